import JSON

/// A value of a JSON document and its path in it (`pre_tokenizer.pretokenizers[1]`), read with accessors
/// whose errors name that path.
struct Field {
    let value: JSONValue?
    let path: String

    init(_ value: JSONValue?, path: String = "") {
        self.value = value
        self.path = path
    }

    /// Missing, or JSON null.
    var isAbsent: Bool { value == nil || value == .null }

    subscript(key: String) -> Field {
        Field(value?[key], path: path.isEmpty ? key : "\(path).\(key)")
    }

    func error(_ message: String) -> FieldError {
        FieldError(path: path, message: message)
    }

    private func wrongKind(_ expected: String) -> FieldError {
        error(value.map { "must be \(expected), found \($0.kind): \($0)" } ?? "is missing (expected \(expected))")
    }

    func object() throws(FieldError) -> [String: JSONValue] {
        guard case .object(let object)? = value else { throw wrongKind("an object") }
        return object
    }

    func elements() throws(FieldError) -> [Field] {
        guard case .array(let items)? = value else { throw wrongKind("an array") }
        return items.enumerated().map { Field($1, path: "\(path)[\($0)]") }
    }

    func string() throws(FieldError) -> String {
        guard case .string(let text)? = value else { throw wrongKind("a string") }
        return text
    }

    func optionalString() throws(FieldError) -> String? {
        isAbsent ? nil : try string()
    }

    /// A string of exactly one Unicode scalar, as Rust's `char` fields (`replacement`, `content`).
    func character() throws(FieldError) -> Unicode.Scalar {
        let text = try string()
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
            throw error("must be a single character, found \(jsonString(text))")
        }
        return scalar
    }

    func bool(default defaultValue: Bool? = nil) throws(FieldError) -> Bool {
        if isAbsent, let defaultValue { return defaultValue }
        guard case .bool(let flag)? = value else { throw wrongKind("true or false") }
        return flag
    }

    func integer(default defaultValue: Int? = nil) throws(FieldError) -> Int {
        if isAbsent, let defaultValue { return defaultValue }
        guard let number = value?.integer else { throw wrongKind("an integer") }
        return number
    }

    /// An id: an integer in 0...Int32.max.
    func id() throws(FieldError) -> Int32 {
        let number = try integer()
        guard (0...Int(Int32.max)).contains(number) else { throw error("must be an id in 0...\(Int32.max), found \(number)") }
        return Int32(number)
    }

    /// A count: a non-negative integer.
    func count() throws(FieldError) -> Int {
        let number = try integer()
        guard number >= 0 else { throw error("must not be negative, found \(number)") }
        return number
    }

    /// A string that must be one of `Kind`'s raw values; the error lists them.
    func oneOf<Kind: RawRepresentable & CaseIterable>(_ kind: Kind.Type) throws(FieldError) -> Kind where Kind.RawValue == String {
        let text = try string()
        guard let value = Kind(rawValue: text) else {
            throw error("\(jsonString(text)) is not supported (supported: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    /// The object's `type`, one of `Kind`'s raw values.
    func type<Kind: RawRepresentable & CaseIterable>(_ kind: Kind.Type) throws(FieldError) -> Kind where Kind.RawValue == String {
        _ = try object()
        return try self["type"].oneOf(kind)
    }

    /// Rejects a field whose value is present and not one of `allowed` (a feature this reader does not have).
    func require(absentOr allowed: [JSONValue], because reason: String) throws(FieldError) {
        guard let value, value != .null, !allowed.contains(value) else { return }
        throw error("\(value) is not supported (\(reason))")
    }
}
