import Foundation
import JSON

/// A tokenizer read from a Hugging Face tokenizer.json (and tokenizer_config.json): text → ids as
/// `AutoTokenizer.from_pretrained(directory)(text)["input_ids"]` gives them, and ids → text as its
/// `decode` does.
///
/// The pipeline is `tokenizers`' (Rust): added tokens are cut out of the raw text first; each stretch
/// between them is normalized, split into pieces by the pre-tokenizer, and each piece encoded by the BPE
/// model; the post-processor then adds special tokens (`<s>`). Decoding maps ids to tokens (skipping
/// special ones if asked) and runs the decoder chain. From transformers it takes tokenizer_config.json's
/// named special tokens (added if missing), `split_special_tokens`, and `add_bos_token` / `add_eos_token`,
/// which replace the post-processor (as they also do when tokenizer.json has none).
public struct Tokenizer: Sendable {
    let addedTokens: [AddedToken]
    let rawMatcher: AddedTokenMatcher
    let normalizedMatcher: AddedTokenMatcher
    let normalizer: (any Normalizer)?
    let preTokenizer: (any PreTokenizer)?
    let model: BPEModel
    let postProcessor: (any PostProcessor)?
    let decoder: (any TokenDecoder)?
    let addedTokenOfID: [Int32: AddedToken]
    let specialContents: Set<String>
    public let config: TokenizerConfig

    // MARK: - Loading

    /// Reads `directory`/tokenizer.json, with tokenizer_config.json and chat_template.jinja if present.
    public init(directory: URL) throws(TokenizerFileError) {
        try self.init(file: directory.appendingPathComponent("tokenizer.json"), config: try TokenizerConfig(directory: directory))
    }

    /// Reads a tokenizer.json file; `config` is what tokenizer_config.json would say.
    public init(file: URL, config: TokenizerConfig = TokenizerConfig()) throws(TokenizerFileError) {
        let root = try readJSONFile(file)
        do {
            try self.init(Field(root), config: config)
        } catch {
            throw TokenizerFileError(file: file.path, problem: error.problem)
        }
    }

    /// Reads the text of a tokenizer.json document.
    init(json: String, config: TokenizerConfig = TokenizerConfig()) throws(FieldError) {
        guard let root = JSONValue.parse(Data(json.utf8)).value else { throw FieldError(path: "", message: "is not valid JSON") }
        try self.init(Field(root), config: config)
    }

    init(_ root: Field, config: TokenizerConfig) throws(FieldError) {
        _ = try root.object()
        try root["truncation"].require(absentOr: [], because: "encodings are never truncated here")
        if !root["padding"].isAbsent, try root["padding"]["strategy"].string() != "BatchLongest" {
            throw root["padding"]["strategy"].error("only BatchLongest padding (none for one text) is supported")
        }
        model = try BPEModel(root["model"])
        normalizer = try readNormalizer(root["normalizer"])
        preTokenizer = try readPreTokenizer(root["pre_tokenizer"])
        decoder = try readDecoder(root["decoder"])
        var added = root["added_tokens"].isAbsent ? [] : try root["added_tokens"].elements().map { field throws(FieldError) in
            try AddedToken(field)
        }
        Self.addMissingSpecials(config.namedSpecialTokens, to: &added, model: model)
        addedTokens = added
        addedTokenOfID = Dictionary(added.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        specialContents = Set(added.filter(\.special).map(\.content))
        rawMatcher = AddedTokenMatcher(added.filter { !$0.normalized })
        let normalizer = normalizer
        normalizedMatcher = AddedTokenMatcher(added.filter(\.normalized)) { normalizer?.normalize($0.content) ?? $0.content }
        self.config = config
        var postProcessor = try readPostProcessor(root["post_processor"])
        if root["post_processor"].isAbsent || config.addBOSToken != nil || config.addEOSToken != nil {
            postProcessor = Self.bosEOSTemplate(config, model: model, addedTokens: added)
        }
        self.postProcessor = postProcessor
    }

    /// transformers adds tokenizer_config.json's named special tokens that tokenizer.json lacks, with the
    /// model's id for them or a new one.
    private static func addMissingSpecials(_ names: [String], to added: inout [AddedToken], model: BPEModel) {
        var nextID = max(model.tokenOfID.keys.max() ?? -1, added.map(\.id).max() ?? -1) + 1
        for name in names where !added.contains(where: { $0.content == name }) {
            let id = model.vocabulary[name] ?? nextID
            if id == nextID { nextID += 1 }
            added.append(AddedToken(id: id, content: name, special: true))
        }
    }

    /// transformers' `update_post_processor`: `<bos> $A <eos>` as add_bos_token / add_eos_token say
    /// (both false by default).
    private static func bosEOSTemplate(_ config: TokenizerConfig, model: BPEModel, addedTokens: [AddedToken]) -> TemplateProcessing {
        func id(_ name: String?) -> Int32? {
            guard let name else { return nil }
            return addedTokens.last { $0.content == name }?.id ?? model.vocabulary[name]
        }
        let bos = config.addBOSToken == true ? id(config.bosToken).map { [TemplateProcessing.Item.special([$0])] } ?? [] : []
        let eos = config.addEOSToken == true ? id(config.eosToken).map { [TemplateProcessing.Item.special([$0])] } ?? [] : []
        return TemplateProcessing(single: bos + [.first] + eos, pair: bos + [.first] + eos + bos + [.second] + eos)
    }

    // MARK: - Encoding

    /// The ids of `text` (and `pair`), with the post-processor's special tokens when `addSpecialTokens`.
    /// `splitSpecialTokens` (default: tokenizer_config.json's `split_special_tokens`) encodes the text of
    /// special tokens like any other text.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true,
                       splitSpecialTokens: Bool? = nil) -> [Int32] {
        let split = splitSpecialTokens ?? config.splitSpecialTokens
        let first = ids(of: text, splitSpecialTokens: split)
        // transformers encodes an empty pair as no pair.
        let second = pair.flatMap { $0.isEmpty ? nil : ids(of: $0, splitSpecialTokens: split) }
        guard let postProcessor else { return first + (second ?? []) }
        return postProcessor.process(first, pair: second, addSpecialTokens: addSpecialTokens)
    }

    /// Added tokens, then normalize, pre-tokenize and BPE each stretch between them.
    private func ids(of text: String, splitSpecialTokens: Bool) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(text.utf8.count / 3 + 2)
        let skip = { (token: AddedToken) in splitSpecialTokens && token.special }
        for section in rawMatcher.sections(of: text, startsInput: true, skip: skip) {
            guard case .text(let raw, let startsInput) = section else {
                if case .token(let id) = section { ids.append(id) }
                continue
            }
            let normalized = normalizer?.normalize(raw) ?? raw
            for part in normalizedMatcher.sections(of: normalized, startsInput: startsInput, skip: skip) {
                switch part {
                case .token(let id):
                    ids.append(id)
                case .text(let stretch, let startsInput):
                    for piece in preTokenize(PreToken(text: stretch, startsInput: startsInput)) {
                        model.tokenize(piece.text, into: &ids)
                    }
                }
            }
        }
        return ids
    }

    func preTokenize(_ piece: PreToken) -> [PreToken] {
        (preTokenizer?.split(piece) ?? [piece]).filter { !$0.text.isEmpty }
    }

    // MARK: - Decoding

    /// The text of `ids`: tokens (special ones left out with `skipSpecialTokens`, unknown ids skipped)
    /// through the decoder chain, as `tokenizer.decode(ids, skip_special_tokens=…)` in transformers.
    public func decode(_ ids: some Sequence<Int32>, skipSpecialTokens: Bool) -> String {
        let tokens = ids.compactMap { id -> String? in
            guard let token = addedTokenOfID[id]?.content ?? model.tokenOfID[id] else { return nil }
            return skipSpecialTokens && specialContents.contains(token) ? nil : token
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decodeChain(tokens).joined()
    }

    // MARK: - Vocabulary

    /// One more than the largest id: the rows a model's embedding needs.
    public var vocabularySize: Int {
        Int(max(model.tokenOfID.keys.max() ?? -1, addedTokens.map(\.id).max() ?? -1)) + 1
    }

    /// The token an id stands for (an added token's text first), or nil.
    public func token(for id: Int32) -> String? {
        addedTokenOfID[id]?.content ?? model.tokenOfID[id]
    }

    /// The id of a token (an added token first), or nil.
    public func id(for token: String) -> Int32? {
        addedTokens.last { $0.content == token }?.id ?? model.vocabulary[token]
    }

    /// Whether an id is a special added token (left out by `decode(_:skipSpecialTokens: true)`).
    public func isSpecial(_ id: Int32) -> Bool {
        addedTokenOfID[id].map { specialContents.contains($0.content) } ?? false
    }

    public var bosTokenID: Int32? { config.bosToken.flatMap(id(for:)) }
    public var eosTokenID: Int32? { config.eosToken.flatMap(id(for:)) }
}

extension AddedToken {
    /// A special token as transformers adds one by name: matched in the raw text, whole.
    init(id: Int32, content: String, special: Bool) {
        self.id = id
        self.content = content
        self.special = special
        singleWord = false
        lstrip = false
        rstrip = false
        normalized = false
    }
}
