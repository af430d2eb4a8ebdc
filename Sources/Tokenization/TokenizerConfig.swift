import Foundation
import JSON

/// What transformers reads from tokenizer_config.json (and chat_template.jinja) on top of tokenizer.json:
/// the named special tokens, whether a BOS/EOS is added, whether special tokens in text are split, and
/// the chat template.
public struct TokenizerConfig: Sendable, Equatable {
    public var bosToken: String?
    public var eosToken: String?
    public var unkToken: String?
    public var padToken: String?
    /// Other tokens transformers treats as special (`additional_special_tokens`, `extra_special_tokens`).
    public var extraSpecialTokens: [String] = []
    /// Present when the file says: transformers then rebuilds the post-processor from them.
    public var addBOSToken: Bool?
    public var addEOSToken: Bool?
    /// Special tokens' text in the input is encoded as plain text.
    public var splitSpecialTokens = false
    /// The default chat template (Jinja), if any; ``chatTemplates`` has them all by name.
    public var chatTemplate: String?
    public var chatTemplates: [String: String] = [:]
    public var tokenizerClass: String?
    public var modelMaxLength: Int?

    public init() {}

    /// Reads `tokenizer_config.json` and `chat_template.jinja` in `directory`, each if it exists.
    public init(directory: URL) throws(TokenizerFileError) {
        let file = directory.appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: file.path) {
            let root = try readJSONFile(file)
            do {
                try self.init(Field(root))
            } catch {
                throw TokenizerFileError(file: file.path, problem: error.problem)
            }
        } else {
            self.init()
        }
        let templateFile = directory.appendingPathComponent("chat_template.jinja")
        if chatTemplate == nil, let template = try? String(contentsOf: templateFile, encoding: .utf8) {
            chatTemplate = template
            chatTemplates["default"] = template
        }
    }

    init(_ root: Field) throws(FieldError) {
        _ = try root.object()
        bosToken = try Self.tokenName(root["bos_token"])
        eosToken = try Self.tokenName(root["eos_token"])
        unkToken = try Self.tokenName(root["unk_token"])
        padToken = try Self.tokenName(root["pad_token"])
        for key in ["additional_special_tokens", "extra_special_tokens"] where !root[key].isAbsent {
            if case .object = root[key].value { continue }  // named extras: {"image_token": …}
            for element in try root[key].elements() {
                if let name = try Self.tokenName(element) { extraSpecialTokens.append(name) }
            }
        }
        addBOSToken = root["add_bos_token"].isAbsent ? nil : try root["add_bos_token"].bool()
        addEOSToken = root["add_eos_token"].isAbsent ? nil : try root["add_eos_token"].bool()
        splitSpecialTokens = try root["split_special_tokens"].bool(default: false)
        tokenizerClass = try root["tokenizer_class"].optionalString()
        modelMaxLength = root["model_max_length"].value?.integer
        try readChatTemplates(root["chat_template"])
    }

    /// The token names transformers treats as special.
    var namedSpecialTokens: [String] {
        [bosToken, eosToken, unkToken, padToken].compactMap { $0 } + extraSpecialTokens
    }

    /// `"<s>"`, or an AddedToken object `{"content": "<s>", …}`, or null.
    private static func tokenName(_ field: Field) throws(FieldError) -> String? {
        if field.isAbsent { return nil }
        if case .object = field.value { return try field["content"].string() }
        return try field.string()
    }

    /// A string, or a list of `{"name": …, "template": …}` whose "default" is the default.
    private mutating func readChatTemplates(_ field: Field) throws(FieldError) {
        if field.isAbsent { return }
        if case .string(let template)? = field.value {
            chatTemplate = template
            chatTemplates["default"] = template
            return
        }
        for element in try field.elements() {
            chatTemplates[try element["name"].string()] = try element["template"].string()
        }
        chatTemplate = chatTemplates["default"]
    }
}

/// The JSON document in `file`, with errors that name the file.
func readJSONFile(_ file: URL) throws(TokenizerFileError) -> JSONValue {
    let data: Data
    do {
        data = try Data(contentsOf: file)
    } catch {
        throw TokenizerFileError(file: file.path, problem: "cannot be read (\(error.localizedDescription))")
    }
    let (value, syntaxError) = JSONValue.parse(data)
    guard let value else {
        throw TokenizerFileError(file: file.path, problem: "is not valid JSON (\(syntaxError ?? "no detail"))")
    }
    guard case .object = value else {
        throw TokenizerFileError(file: file.path, problem: "the top level must be a JSON object")
    }
    return value
}
