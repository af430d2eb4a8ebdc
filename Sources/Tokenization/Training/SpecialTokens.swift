/// The tokens that mark text rather than spell it, with their fixed ids at the start of the vocabulary.
public enum SpecialToken: String, CaseIterable, Sendable {
    case pad = "<pad>"
    case bos = "<s>"
    case eos = "</s>"

    /// 0, 1, 2: specials come first, then the 256 byte tokens, then merges.
    public var id: Int32 { Int32(Self.allCases.firstIndex(of: self)!) }
}
