import JSON

/// Special tokens placed by a template: `single` is e.g. `<s> $A`, `pair` `<s> $A <s> $B`, and
/// `special_tokens` gives each special's ids.
struct TemplateProcessing: PostProcessor {
    enum Item: Equatable {
        case first
        case second
        case special([Int32])
    }

    var single: [Item]
    var pair: [Item]

    init(single: [Item], pair: [Item]) {
        self.single = single
        self.pair = pair
    }

    init(_ field: Field) throws(FieldError) {
        var specials: [String: [Int32]] = [:]
        let specialsField = field["special_tokens"]
        for (name, value) in specialsField.isAbsent ? [:] : try specialsField.object() {
            let ids = Field(value, path: "\(specialsField.path).\(name)")["ids"]
            specials[name] = try ids.elements().map { id throws(FieldError) in try id.id() }
        }
        single = try Self.items(field["single"], specials: specials)
        pair = try Self.items(field["pair"], specials: specials)
    }

    /// `[{"SpecialToken": {"id": "<s>", …}}, {"Sequence": {"id": "A", …}}]`.
    private static func items(_ field: Field, specials: [String: [Int32]]) throws(FieldError) -> [Item] {
        var items: [Item] = []
        for element in try field.elements() {
            let object = try element.object()
            if let special = object["SpecialToken"] {
                let name = Field(special, path: element.path + ".SpecialToken")["id"]
                guard let ids = specials[try name.string()] else {
                    throw name.error("\(jsonString(try name.string())) is not in special_tokens")
                }
                items.append(.special(ids))
            } else if let sequence = object["Sequence"] {
                let name = Field(sequence, path: element.path + ".Sequence")["id"]
                switch try name.string() {
                case "A": items.append(.first)
                case "B": items.append(.second)
                default: throw name.error("must be \"A\" or \"B\", found \(jsonString(try name.string()))")
                }
            } else {
                throw element.error("must be {\"SpecialToken\": …} or {\"Sequence\": …}")
            }
        }
        return items
    }

    func process(_ first: [Int32], pair second: [Int32]?, addSpecialTokens: Bool) -> [Int32] {
        guard addSpecialTokens else { return first + (second ?? []) }
        var ids: [Int32] = []
        for item in second == nil ? single : pair {
            switch item {
            case .first: ids += first
            case .second: ids += second ?? []
            case .special(let special): ids += special
            }
        }
        return ids
    }
}
