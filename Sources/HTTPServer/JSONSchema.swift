/// A JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it), written by hand next to each API type
/// so that the served OpenAPI document says exactly what the handlers accept and return.
public indirect enum JSONSchema: Sendable, Encodable {
    /// A string, with optional limits.
    case string(
        format: String? = nil, values: [String]? = nil, minLength: Int? = nil, maxLength: Int? = nil,
        pattern: String? = nil)
    /// A whole number within optional bounds.
    case integer(minimum: Int64? = nil, maximum: Int64? = nil)
    /// A number.
    case number
    /// `true` or `false`.
    case boolean
    /// An array of `items`.
    case array(JSONSchema, maxItems: Int? = nil)
    /// An object with named properties; `required` lists those that must be present. Other
    /// properties are refused unless `additional` is set.
    case object([String: JSONSchema], required: [String], additional: Bool = false)
    /// A reference to a schema in the document's components.
    case reference(String)
    /// The value may also be `null`.
    case nullable(JSONSchema)
    /// Only `null`.
    case null

    private enum Key: String, CodingKey {
        case type, format, minLength, maxLength, pattern, minimum, maximum, items, maxItems, properties, required
        case additionalProperties
        case values = "enum"
        case ref = "$ref"
        case anyOf
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .string(let format, let values, let minLength, let maxLength, let pattern):
            try container.encode("string", forKey: .type)
            try container.encodeIfPresent(format, forKey: .format)
            try container.encodeIfPresent(values, forKey: .values)
            try container.encodeIfPresent(minLength, forKey: .minLength)
            try container.encodeIfPresent(maxLength, forKey: .maxLength)
            try container.encodeIfPresent(pattern, forKey: .pattern)
        case .integer(let minimum, let maximum):
            try container.encode("integer", forKey: .type)
            try container.encodeIfPresent(minimum, forKey: .minimum)
            try container.encodeIfPresent(maximum, forKey: .maximum)
        case .number:
            try container.encode("number", forKey: .type)
        case .boolean:
            try container.encode("boolean", forKey: .type)
        case .array(let items, let maxItems):
            try container.encode("array", forKey: .type)
            try container.encode(items, forKey: .items)
            try container.encodeIfPresent(maxItems, forKey: .maxItems)
        case .object(let properties, let required, let additional):
            try container.encode("object", forKey: .type)
            try container.encode(properties, forKey: .properties)
            if !required.isEmpty { try container.encode(required.sorted(), forKey: .required) }
            try container.encode(additional, forKey: .additionalProperties)
        case .reference(let name):
            try container.encode("#/components/schemas/\(name)", forKey: .ref)
        case .nullable(let schema):
            try container.encode([schema, .null], forKey: .anyOf)
        case .null:
            try container.encode("null", forKey: .type)
        }
    }
}
