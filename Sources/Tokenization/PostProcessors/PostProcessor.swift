/// The last stage of encoding: adds the special tokens a model expects around the text's ids (`<s>` in
/// front for Llama), when asked to. `tokenizers`' processors/.
protocol PostProcessor: Sendable {
    /// The ids of one text, or of a pair, with special tokens when `addSpecialTokens`.
    func process(_ first: [Int32], pair second: [Int32]?, addSpecialTokens: Bool) -> [Int32]
}

/// The post-processor `type`s this reader knows.
enum PostProcessorKind: String, CaseIterable {
    case templateProcessing = "TemplateProcessing"
    case byteLevel = "ByteLevel"
    case sequence = "Sequence"
}

/// Reads the `post_processor` field: nil when it is null.
func readPostProcessor(_ field: Field) throws(FieldError) -> (any PostProcessor)? {
    if field.isAbsent { return nil }
    switch try field.type(PostProcessorKind.self) {
    case .templateProcessing:
        return try TemplateProcessing(field)
    case .byteLevel:
        // It only trims offsets, which ids do not have.
        return nil
    case .sequence:
        var steps: [any PostProcessor] = []
        for step in try field["processors"].elements() {
            if let processor = try readPostProcessor(step) { steps.append(processor) }
        }
        return PostProcessorSequence(steps: steps)
    }
}

/// Post-processors applied in turn; the first sees the pair, the rest the joined result.
struct PostProcessorSequence: PostProcessor {
    var steps: [any PostProcessor]

    func process(_ first: [Int32], pair second: [Int32]?, addSpecialTokens: Bool) -> [Int32] {
        guard let head = steps.first else { return first + (second ?? []) }
        return steps.dropFirst().reduce(head.process(first, pair: second, addSpecialTokens: addSpecialTokens)) {
            $1.process($0, pair: nil, addSpecialTokens: addSpecialTokens)
        }
    }
}
