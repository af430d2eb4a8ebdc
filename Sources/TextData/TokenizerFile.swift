import Foundation
import JSON

/// A tokenizer file that cannot be read, with the file and what is wrong with it.
public struct TokenizerFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String

    public var description: String { "tokenizer file \(file): \(problem)" }
}

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

    /// Reads a tokenizer.json file, or the tokenizer.json inside a directory.
    ///
    /// Merges may be written as pairs (`["a", "b"]`) or as strings (`"a b"`). The file must describe this
    /// tokenizer: no normalizer, the Digits + ByteLevel pre-tokenizer, a BPE model over all 256 byte
    /// characters without dropout or byte fallback, and `<pad>`, `<s>`, `</s>` as the special tokens 0, 1, 2.
    /// Anything else throws a ``TokenizerFileError`` that names the file and the problem.
    public init(contentsOf url: URL) throws {
        var isDirectory: ObjCBool = false
        var file = url
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = url.appendingPathComponent("tokenizer.json")
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw TokenizerFileError(file: file.path, problem: "cannot be read (\(error.localizedDescription))")
        }
        do {
            self = try Self.parse(data)
        } catch {
            throw TokenizerFileError(file: file.path, problem: error.message)
        }
    }

    // MARK: - Writing

    func tokenizerJSON() -> String {
        """
            {
              "version": "1.0",
              "truncation": null,
              "padding": null,

            """ + addedTokensJSON() + Self.pipelineJSON + modelJSON() + "}\n"
    }

    /// The specials, as `tokenizers` writes added tokens.
    private func addedTokensJSON() -> String {
        var out = "  \"added_tokens\": [\n"
        let specialIDs = isSpecial.indices.filter { isSpecial[$0] }
        for (n, id) in specialIDs.enumerated() {
            out += "    {\"id\": \(id), \"content\": \(jsonString(token(at: id))), \"single_word\": false, "
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
    private func modelJSON() -> String {
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
        for id in tokenBytes.indices {
            out += "      \(jsonString(token(at: id))): \(id)"
            out += id + 1 < tokenBytes.count ? ",\n" : "\n"
        }
        out += "    },\n    \"merges\": [\n"
        for (rank, merge) in merges.enumerated() {
            out += "      [\(jsonString(token(at: Int(merge.left)))), \(jsonString(token(at: Int(merge.right))))]"
            out += rank + 1 < merges.count ? ",\n" : "\n"
        }
        return out + "    ]\n  }\n"
    }

    // MARK: - Reading

    struct FileProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func parse(_ data: Data) throws(FileProblem) -> BPETokenizer {
        let root = try topLevelObject(data)
        // The pipeline must be the one `encode` implements, or ids would differ from Hugging Face's.
        try checkNormalizer(root["normalizer"])
        try checkPreTokenizer(root["pre_tokenizer"])
        try checkDecoder(root["decoder"])
        try checkPostProcessor(root["post_processor"])
        let model = try bpeModel(root["model"])
        let tokens = try vocabulary(model["vocab"])
        let isSpecial = try specialTokens(root["added_tokens"], tokens: tokens)
        let tokenBytes = try tokenBytes(tokens, isSpecial: isSpecial)
        try checkEveryByteIsAToken(tokenBytes, isSpecial: isSpecial)
        let merges = try merges(model["merges"], tokens: tokens)
        return BPETokenizer(tokenBytes: tokenBytes, isSpecial: isSpecial, merges: merges)
    }

    private static func topLevelObject(_ data: Data) throws(FileProblem) -> [String: JSONValue] {
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            // JSONDecoder does not say where the syntax breaks; JSONSerialization does.
            var detail = "\(error)"
            do {
                _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            } catch {
                detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? detail
            }
            throw FileProblem("is not valid JSON (\(detail))")
        }
        guard case .object(let root) = json else { throw FileProblem("the top level must be a JSON object") }
        return root
    }

    private static func checkNormalizer(_ normalizer: JSONValue?) throws(FileProblem) {
        if let normalizer, normalizer != .null {
            throw FileProblem("\"normalizer\" must be null; this tokenizer implements no normalizer, found \(normalizer)")
        }
    }

    private static func checkDecoder(_ decoder: JSONValue?) throws(FileProblem) {
        if let decoder, decoder != .null, decoder["type"] != .string("ByteLevel") {
            throw FileProblem("\"decoder\" must be ByteLevel (or null), found \(decoder)")
        }
    }

    private static func checkPostProcessor(_ post: JSONValue?) throws(FileProblem) {
        if let post, post != .null, post["type"] != .string("ByteLevel") {
            throw FileProblem("\"post_processor\" must be null or ByteLevel (add bos/eos with encode's flags), found \(post)")
        }
    }

    /// The "model" object, checked to be a plain BPE: no dropout, affixes, byte fallback or ignored merges.
    private static func bpeModel(_ value: JSONValue?) throws(FileProblem) -> [String: JSONValue] {
        guard case .object(let model)? = value else { throw FileProblem("\"model\" is missing or not an object") }
        if let type = model["type"], type != .string("BPE") {
            throw FileProblem("\"model.type\" must be \"BPE\", found \(type)")
        }
        for (key, allowed) in [("dropout", JSONValue.null), ("continuing_subword_prefix", .null),
                               ("end_of_word_suffix", .null), ("byte_fallback", .bool(false)),
                               ("ignore_merges", .bool(false))] {
            if let value = model[key], value != .null, value != allowed {
                throw FileProblem("\"model.\(key)\" must be \(allowed) for this tokenizer, found \(value)")
            }
        }
        return model
    }

    /// "model.vocab" as tokens in id order: ids 0..<n, at least the specials and the 256 bytes.
    private static func vocabulary(_ value: JSONValue?) throws(FileProblem) -> [String] {
        guard case .object(let vocab)? = value else {
            throw FileProblem("\"model.vocab\" is missing or not an object of token → id")
        }
        var tokenOfID = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            guard let id = value.integer, id >= 0 else {
                throw FileProblem("\"model.vocab\": the id of \(jsonString(token)) must be a non-negative integer, found \(value)")
            }
            guard id < vocab.count else {
                throw FileProblem("\"model.vocab\": ids must be 0..<\(vocab.count) without gaps, found \(id) for \(jsonString(token))")
            }
            if let other = tokenOfID[id] {
                throw FileProblem("\"model.vocab\": id \(id) is given to both \(jsonString(other)) and \(jsonString(token))")
            }
            tokenOfID[id] = token
        }
        let tokens = tokenOfID.map { $0! }  // n distinct ids in 0..<n: all present
        let smallest = SpecialToken.allCases.count + 256
        guard tokens.count >= smallest else {
            throw FileProblem("\"model.vocab\" has \(tokens.count) tokens; a byte-level vocabulary has at least \(smallest) "
                + "(3 specials and 256 bytes)")
        }
        return tokens
    }

    /// Which ids are special, from "added_tokens": exactly <pad>, <s>, </s> at 0, 1, 2.
    private static func specialTokens(_ value: JSONValue?, tokens: [String]) throws(FileProblem) -> [Bool] {
        guard case .array(let added)? = value else {
            throw FileProblem("\"added_tokens\" is missing or not an array")
        }
        var isSpecial = [Bool](repeating: false, count: tokens.count)
        for (n, entry) in added.enumerated() {
            guard case .string(let content)? = entry["content"], let id = entry["id"]?.integer else {
                throw FileProblem("\"added_tokens[\(n)]\" needs a string \"content\" and an integer \"id\"")
            }
            guard let special = SpecialToken(rawValue: content), special.id == id, entry["special"] == .bool(true) else {
                throw FileProblem("\"added_tokens[\(n)]\" is \(jsonString(content)) with id \(id); only the specials "
                    + SpecialToken.allCases.map { "\($0.rawValue) = \($0.id)" }.joined(separator: ", ")
                    + " (special: true) are supported")
            }
            guard id < tokens.count, tokens[id] == content else {
                throw FileProblem("special token \(content) must also be in \"model.vocab\" with id \(id)")
            }
            isSpecial[id] = true
        }
        for special in SpecialToken.allCases where !isSpecial[Int(special.id)] {
            throw FileProblem("\"added_tokens\" lacks the special token \(special.rawValue) with id \(special.id)")
        }
        return isSpecial
    }

    /// Each token's bytes: a special as its UTF-8, any other token spelled in ByteLevel's byte characters.
    private static func tokenBytes(_ tokens: [String], isSpecial: [Bool]) throws(FileProblem) -> [[UInt8]] {
        var tokenBytes: [[UInt8]] = []
        tokenBytes.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            if isSpecial[id] {
                tokenBytes.append(Array(token.utf8))
            } else if let bytes = ByteLevel.bytes(for: token), !bytes.isEmpty {
                tokenBytes.append(bytes)
            } else {
                let bad = token.unicodeScalars.first { ByteLevel.byte(for: $0) == nil }
                throw FileProblem("\"model.vocab\": token \(jsonString(token)) (id \(id)) "
                    + (bad.map { "has \(String(format: "U+%04X", $0.value)), which is not one of ByteLevel's 256 byte characters" }
                       ?? "is empty"))
            }
        }
        return tokenBytes
    }

    private static func checkEveryByteIsAToken(_ tokenBytes: [[UInt8]], isSpecial: [Bool]) throws(FileProblem) {
        var singleBytes = Set<UInt8>()
        for id in tokenBytes.indices where !isSpecial[id] && tokenBytes[id].count == 1 { singleBytes.insert(tokenBytes[id][0]) }
        if singleBytes.count < 256 {
            let missing = (0...255).map(UInt8.init).filter { !singleBytes.contains($0) }
            throw FileProblem("\"model.vocab\" lacks \(missing.count) of the 256 byte tokens, e.g. "
                + jsonString(ByteLevel.string(for: [missing[0]])) + " (byte \(missing[0]))")
        }
    }

    /// "model.merges" in rank order, each a pair of tokens whose concatenation is a token too.
    private static func merges(_ value: JSONValue?, tokens: [String]) throws(FileProblem) -> [Merge] {
        var idOfToken: [String: Int32] = [:]
        for (id, token) in tokens.enumerated() { idOfToken[token] = Int32(id) }
        guard case .array(let mergeValues)? = value else {
            throw FileProblem("\"model.merges\" is missing or not an array")
        }
        var merges: [Merge] = []
        merges.reserveCapacity(mergeValues.count)
        for (rank, value) in mergeValues.enumerated() {
            let parts = try mergeParts(value, rank: rank)
            for part in parts + [parts[0] + parts[1]] where idOfToken[part] == nil {
                throw FileProblem("\"model.merges[\(rank)]\" (\(parts[0]) \(parts[1])): \(jsonString(part)) is not in \"model.vocab\"")
            }
            merges.append(Merge(left: idOfToken[parts[0]]!, right: idOfToken[parts[1]]!,
                                result: idOfToken[parts[0] + parts[1]]!))
        }
        return merges
    }

    /// The two tokens of one merge, written as "a b" or ["a", "b"].
    private static func mergeParts(_ value: JSONValue, rank: Int) throws(FileProblem) -> [String] {
        let parts: [String]
        switch value {
        case .string(let text):
            parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        case .array(let items):
            parts = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            guard parts.count == items.count else {
                throw FileProblem("\"model.merges[\(rank)]\" must hold two strings, found \(value)")
            }
        default:
            throw FileProblem("\"model.merges[\(rank)]\" must be \"a b\" or [\"a\", \"b\"], found \(value)")
        }
        guard parts.count == 2 else {
            throw FileProblem("\"model.merges[\(rank)]\" must name exactly two tokens, found \(value)")
        }
        return parts
    }

    private static func checkPreTokenizer(_ value: JSONValue?) throws(FileProblem) {
        let expected = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Digits\", \"individual_digits\": true}, "
            + "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": true}]}"
        guard let value, value["type"] == .string("Sequence"), case .array(let steps)? = value["pretokenizers"],
              steps.count == 2,
              steps[0]["type"] == .string("Digits"), steps[0]["individual_digits"] == .bool(true),
              steps[1]["type"] == .string("ByteLevel"), steps[1]["add_prefix_space"] == .bool(false),
              steps[1]["use_regex"] == nil || steps[1]["use_regex"] == .bool(true)
        else {
            throw FileProblem("\"pre_tokenizer\" must be \(expected); found \(value.map { "\($0)" } ?? "nothing")")
        }
    }
}
