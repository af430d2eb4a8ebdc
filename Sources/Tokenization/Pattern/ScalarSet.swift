/// A set of scalars as a pattern writes it: `[^\r\n\p{L}\p{N}]`, `\s`, `\P{L}`, `[a-z]`.
struct ScalarSet: Sendable {
    enum Member: Sendable {
        case range(ClosedRange<UInt32>)
        case categories(Set<Unicode.GeneralCategory>, negated: Bool)
        case whitespace(negated: Bool)
        case word(negated: Bool)
        case set(ScalarSet)
    }

    var members: [Member] = []
    var negated = false
    /// Under `(?i)`: a scalar belongs when it, its lower case or its upper case does.
    var caseInsensitive = false
    /// Membership of the 128 ASCII scalars, worked out once by ``finalized()``.
    private var ascii: (UInt64, UInt64) = (0, 0)
    private var asciiReady = false

    init(members: [Member] = [], negated: Bool = false, caseInsensitive: Bool = false) {
        self.members = members
        self.negated = negated
        self.caseInsensitive = caseInsensitive
    }

    /// The set with its ASCII membership cached; call once the members are final.
    func finalized() -> ScalarSet {
        var set = self
        set.asciiReady = false
        var low: UInt64 = 0
        var high: UInt64 = 0
        for value in 0..<128 where set.contains(Unicode.Scalar(UInt8(value))) {
            if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
        }
        set.ascii = (low, high)
        set.asciiReady = true
        return set
    }

    @inline(__always)
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if asciiReady && value < 128 {
            return value < 64 ? ascii.0 & (1 << UInt64(value)) != 0 : ascii.1 & (1 << UInt64(value - 64)) != 0
        }
        let listed = caseInsensitive ? caseVariants(of: scalar).contains(where: isListed) : isListed(scalar)
        return listed != negated
    }

    /// Whether a member holds the scalar, before the set's own negation.
    private func isListed(_ scalar: Unicode.Scalar) -> Bool {
        members.contains { member in
            switch member {
            case .range(let range): range.contains(scalar.value)
            case .categories(let categories, let negated):
                categories.contains(UnicodeClasses.regexCategory(of: scalar)) != negated
            case .whitespace(let negated): UnicodeClasses.isWhitespace(scalar) != negated
            case .word(let negated): UnicodeClasses.isWordCharacter(scalar) != negated
            case .set(let set): set.contains(scalar)
            }
        }
    }
}

/// The scalar and its simple lower- and upper-case mappings, for case-insensitive matching.
func caseVariants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
    var variants = [scalar]
    for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
        let scalars = mapping.unicodeScalars
        if scalars.count == 1, let variant = scalars.first, !variants.contains(variant) { variants.append(variant) }
    }
    return variants
}
