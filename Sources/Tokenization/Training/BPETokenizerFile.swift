import Foundation
import JSON

extension BPETokenizer {
    /// Writes Hugging Face's tokenizer.json format (version 1.0) to `file`, which
    /// `tokenizers.Tokenizer.from_file` loads: the specials as added tokens, the Digits + ByteLevel
    /// pre-tokenizer, the ByteLevel decoder, and a BPE model with vocab (id order) and merges (rank order,
    /// as pairs).
    public func save(to file: URL) throws {
        try Data(tokenizerJSON().utf8).write(to: file, options: .atomic)
    }

    /// Writes tokenizer.json and tokenizer_config.json into `directory` (created if missing), so that
    /// `transformers.AutoTokenizer.from_pretrained(directory)` loads a `PreTrainedTokenizerFast` with
    /// these specials, literal handling of `<s>` in text (`split_special_tokens`), no clean-up of spaces
    /// when decoding, and `modelMaxLength` (the model's context length).
    public func savePretrained(to directory: URL, modelMaxLength: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try save(to: directory.appendingPathComponent("tokenizer.json"))
        let config = """
            {
              "tokenizer_class": "PreTrainedTokenizerFast",
              "bos_token": "\(SpecialToken.bos.rawValue)",
              "eos_token": "\(SpecialToken.eos.rawValue)",
              "pad_token": "\(SpecialToken.pad.rawValue)",
              "model_max_length": \(modelMaxLength),
              "clean_up_tokenization_spaces": false,
              "split_special_tokens": true
            }

            """
        try Data(config.utf8).write(to: directory.appendingPathComponent("tokenizer_config.json"), options: .atomic)
    }

    /// The files `savePretrained` writes into a model directory.
    public static let pretrainedFiles = ["tokenizer.json", "tokenizer_config.json"]

    /// Removes the files `savePretrained` writes from `directory`: a model written there without a
    /// tokenizer (byte-level ids) must not pick up one left by an earlier model.
    public static func removePretrained(from directory: URL) throws {
        for name in pretrainedFiles where FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Reads a tokenizer.json file, or the tokenizer.json inside a directory, through the ``Tokenizer``
    /// reader: its pipeline is used as the file says. The vocabulary must be this type's: ids 0..<n, the
    /// specials <pad> = 0, <s> = 1, </s> = 2 as special added tokens, every other token spelled in
    /// ByteLevel's byte characters, and all 256 bytes among them.
    public init(contentsOf url: URL) throws {
        var isDirectory: ObjCBool = false
        var file = url
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = url.appendingPathComponent("tokenizer.json")
        }
        let pipeline = try Tokenizer(file: file)
        do {
            self = try Self(pipeline: pipeline)
        } catch {
            throw TokenizerFileError(file: file.path, problem: error.problem)
        }
    }

    // MARK: - Writing

    func tokenizerJSON() -> String {
        Self.tokenizerJSON(tokenBytes: tokenBytes, isSpecial: isSpecial, merges: merges)
    }

    static func tokenizerJSON(tokenBytes: [[UInt8]], isSpecial: [Bool], merges: [Merge]) -> String {
        let tokens = tokenBytes.indices.map { id in
            isSpecial[id] ? String(decoding: tokenBytes[id], as: UTF8.self) : ByteLevel.string(for: tokenBytes[id])
        }
        return """
            {
              "version": "1.0",
              "truncation": null,
              "padding": null,

            """ + addedTokensJSON(tokens, isSpecial: isSpecial) + pipelineJSON + modelJSON(tokens, merges: merges) + "}\n"
    }

    /// The specials, as `tokenizers` writes added tokens.
    private static func addedTokensJSON(_ tokens: [String], isSpecial: [Bool]) -> String {
        var out = "  \"added_tokens\": [\n"
        let specialIDs = isSpecial.indices.filter { isSpecial[$0] }
        for (n, id) in specialIDs.enumerated() {
            out += "    {\"id\": \(id), \"content\": \(jsonString(tokens[id])), \"single_word\": false, "
                + "\"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}"
            out += n + 1 < specialIDs.count ? ",\n" : "\n"
        }
        return out + "  ],\n"
    }

    /// No normalizer, the Digits + ByteLevel pre-tokenizer, no post-processor and the ByteLevel decoder.
    private static let pipelineJSON = """
          "normalizer": null,
          "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
              {"type": "Digits", "individual_digits": true},
              {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}
            ]
          },
          "post_processor": null,
          "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},

        """

    /// The BPE model: vocab in id order, merges in rank order, as pairs.
    private static func modelJSON(_ tokens: [String], merges: [Merge]) -> String {
        var out = """
              "model": {
                "type": "BPE",
                "dropout": null,
                "unk_token": null,
                "continuing_subword_prefix": null,
                "end_of_word_suffix": null,
                "fuse_unk": false,
                "byte_fallback": false,
                "ignore_merges": false,
                "vocab": {

            """
        for (id, token) in tokens.enumerated() {
            out += "      \(jsonString(token)): \(id)"
            out += id + 1 < tokens.count ? ",\n" : "\n"
        }
        out += "    },\n    \"merges\": [\n"
        for (rank, merge) in merges.enumerated() {
            out += "      [\(jsonString(tokens[Int(merge.left)])), \(jsonString(tokens[Int(merge.right)]))]"
            out += rank + 1 < merges.count ? ",\n" : "\n"
        }
        return out + "    ]\n  }\n"
    }

    // MARK: - Reading

    /// This type's view of a pipeline read from a file, checked to have this type's vocabulary.
    init(pipeline: Tokenizer) throws(FieldError) {
        let tokens = try Self.tokensInIDOrder(pipeline.model.vocabulary)
        let isSpecial = try Self.specials(pipeline.addedTokens, tokens: tokens)
        let tokenBytes = try Self.tokenBytes(tokens, isSpecial: isSpecial)
        try Self.checkEveryByteIsAToken(tokenBytes, isSpecial: isSpecial)
        self.init(tokenBytes: tokenBytes, isSpecial: isSpecial, merges: pipeline.model.merges, pipeline: pipeline)
    }

    /// "model.vocab" as tokens in id order: ids 0..<n, at least the specials and the 256 bytes.
    private static func tokensInIDOrder(_ vocabulary: [String: Int32]) throws(FieldError) -> [String] {
        var tokenOfID = [String?](repeating: nil, count: vocabulary.count)
        for (token, id) in vocabulary {
            guard id < vocabulary.count else {
                throw FieldError(path: "model.vocab", message: "ids must be 0..<\(vocabulary.count) without gaps, found \(id) for \(jsonString(token))")
            }
            tokenOfID[Int(id)] = token
        }
        let tokens = tokenOfID.map { $0! }  // n distinct ids in 0..<n: all present
        let smallest = SpecialToken.allCases.count + 256
        guard tokens.count >= smallest else {
            throw FieldError(path: "model.vocab", message: "has \(tokens.count) tokens; a byte-level vocabulary has at least \(smallest) "
                + "(3 specials and 256 bytes)")
        }
        return tokens
    }

    /// Which ids are special, from "added_tokens": exactly <pad>, <s>, </s> at 0, 1, 2.
    private static func specials(_ added: [AddedToken], tokens: [String]) throws(FieldError) -> [Bool] {
        var isSpecial = [Bool](repeating: false, count: tokens.count)
        for (n, token) in added.enumerated() {
            guard let special = SpecialToken(rawValue: token.content), special.id == token.id, token.special else {
                throw FieldError(path: "added_tokens[\(n)]", message: "is \(jsonString(token.content)) with id \(token.id); only the specials "
                    + SpecialToken.allCases.map { "\($0.rawValue) = \($0.id)" }.joined(separator: ", ")
                    + " (special: true) are supported")
            }
            guard Int(token.id) < tokens.count, tokens[Int(token.id)] == token.content else {
                throw FieldError(path: "added_tokens[\(n)]", message: "special token \(token.content) must also be in model.vocab with id \(token.id)")
            }
            isSpecial[Int(token.id)] = true
        }
        for special in SpecialToken.allCases where !isSpecial[Int(special.id)] {
            throw FieldError(path: "added_tokens", message: "lacks the special token \(special.rawValue) with id \(special.id)")
        }
        return isSpecial
    }

    /// Each token's bytes: a special as its UTF-8, any other token spelled in ByteLevel's byte characters.
    private static func tokenBytes(_ tokens: [String], isSpecial: [Bool]) throws(FieldError) -> [[UInt8]] {
        var tokenBytes: [[UInt8]] = []
        tokenBytes.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            if isSpecial[id] {
                tokenBytes.append(Array(token.utf8))
            } else if let bytes = ByteLevel.bytes(for: token), !bytes.isEmpty {
                tokenBytes.append(bytes)
            } else {
                let bad = token.unicodeScalars.first { ByteLevel.byte(for: $0) == nil }
                throw FieldError(path: "model.vocab", message: "token \(jsonString(token)) (id \(id)) "
                    + (bad.map { "has \(String(format: "U+%04X", $0.value)), which is not one of ByteLevel's 256 byte characters" }
                       ?? "is empty"))
            }
        }
        return tokenBytes
    }

    private static func checkEveryByteIsAToken(_ tokenBytes: [[UInt8]], isSpecial: [Bool]) throws(FieldError) {
        var singleBytes = Set<UInt8>()
        for id in tokenBytes.indices where !isSpecial[id] && tokenBytes[id].count == 1 { singleBytes.insert(tokenBytes[id][0]) }
        if singleBytes.count < 256 {
            let missing = (0...255).map(UInt8.init).filter { !singleBytes.contains($0) }
            throw FieldError(path: "model.vocab", message: "lacks \(missing.count) of the 256 byte tokens, e.g. "
                + jsonString(ByteLevel.string(for: [missing[0]])) + " (byte \(missing[0]))")
        }
    }
}
