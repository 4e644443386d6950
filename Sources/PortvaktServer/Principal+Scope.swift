import Accounts

extension Principal {
    /// The organisation whose objects this principal may touch, or `nil` for the central unit,
    /// which may touch every organisation's.
    var scope: String? { isCentral ? nil : organisationID }
}
