extension String {
    /// The length as JSON Schema's `minLength` and `maxLength` count it: in Unicode code points,
    /// not in the grapheme clusters `count` gives, so validation agrees with the OpenAPI document.
    var schemaLength: Int { unicodeScalars.count }
}
