import JSON

extension BPEModel {
    /// Reads tokenizer.json's `model`: a BPE with `vocab`, `merges` ("a b" strings or ["a", "b"] pairs),
    /// `unk_token`, `fuse_unk`, `byte_fallback` and `ignore_merges`. Dropout and word affixes are refused.
    init(_ field: Field) throws(FieldError) {
        _ = try field.object()
        if !field["type"].isAbsent, try field["type"].string() != "BPE" {
            throw field["type"].error("\(jsonString(try field["type"].string())) is not supported (supported: BPE)")
        }
        try field["dropout"].require(absentOr: [.int(0), .double(0)], because: "dropout makes encoding random")
        try field["continuing_subword_prefix"].require(absentOr: [.string("")], because: "word affixes are not implemented")
        try field["end_of_word_suffix"].require(absentOr: [.string("")], because: "word affixes are not implemented")
        let vocabulary = try Self.vocabulary(field["vocab"])
        var unknownID: Int32?
        if let unknown = try field["unk_token"].optionalString() {
            guard let id = vocabulary[unknown] else { throw field["unk_token"].error("\(jsonString(unknown)) is not in model.vocab") }
            unknownID = id
        }
        self.init(vocabulary: vocabulary, merges: try Self.merges(field["merges"], vocabulary: vocabulary),
                  unknownID: unknownID, fuseUnknown: try field["fuse_unk"].bool(default: false),
                  byteFallback: try field["byte_fallback"].bool(default: false),
                  ignoreMerges: try field["ignore_merges"].bool(default: false))
    }

    /// `vocab`: token → id, ids non-negative and distinct.
    private static func vocabulary(_ field: Field) throws(FieldError) -> [String: Int32] {
        var vocabulary: [String: Int32] = [:]
        var tokenOfID: [Int: String] = [:]
        for (token, value) in try field.object() {
            guard let id = value.integer, (0...Int(Int32.max)).contains(id) else {
                throw field.error("the id of \(jsonString(token)) must be a non-negative integer, found \(value)")
            }
            if let other = tokenOfID[id] {
                let (first, second) = other < token ? (other, token) : (token, other)
                throw field.error("id \(id) is given to both \(jsonString(first)) and \(jsonString(second))")
            }
            tokenOfID[id] = token
            vocabulary[token] = Int32(id)
        }
        return vocabulary
    }

    /// `merges` in rank order; both parts and their concatenation must be tokens.
    private static func merges(_ field: Field, vocabulary: [String: Int32]) throws(FieldError) -> [Merge] {
        let elements = field.isAbsent ? [] : try field.elements()
        var merges: [Merge] = []
        merges.reserveCapacity(elements.count)
        for element in elements {
            let (left, right) = try mergeParts(element)
            for part in [left, right, left + right] where vocabulary[part] == nil {
                throw element.error("\(jsonString(part)) is not in model.vocab")
            }
            merges.append(Merge(left: vocabulary[left]!, right: vocabulary[right]!, result: vocabulary[left + right]!))
        }
        return merges
    }

    /// The two tokens of one merge, written as "a b" or ["a", "b"].
    private static func mergeParts(_ field: Field) throws(FieldError) -> (String, String) {
        let parts: [String]
        switch field.value {
        case .string(let text)?:
            parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        case .array?:
            parts = try field.elements().map { part throws(FieldError) in try part.string() }
        default:
            throw field.error("must be \"a b\" or [\"a\", \"b\"], found \(field.value.map { "\($0)" } ?? "nothing")")
        }
        guard parts.count == 2 else {
            throw field.error("must name exactly two tokens, found \(field.value!)")
        }
        return (parts[0], parts[1])
    }
}
