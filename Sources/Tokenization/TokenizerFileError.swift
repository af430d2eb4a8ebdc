/// A tokenizer file that cannot be used, with the file and what is wrong with it, e.g.
/// `…/tokenizer.json: pre_tokenizer.pretokenizers[1].type: "Whitespace" is not supported (supported: …)`.
public struct TokenizerFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}

/// A problem at a field of a JSON document, before the file it came from is known.
struct FieldError: Error {
    var path: String
    var message: String

    /// "model.merges[3]: …", or the message alone for the whole document.
    var problem: String { path.isEmpty ? message : "\(path): \(message)" }
}
