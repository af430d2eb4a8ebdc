/// The Unicode classes of tokenizer.json patterns, as Hugging Face's pattern engine (Oniguruma) sees them.
///
/// `\s` is the White_Space property; `\p{…}` a general category. Oniguruma in `tokenizers` knows Unicode 16.0,
/// so a scalar first assigned in a later version is unassigned (`Cn`) there: not a letter, not a number.
/// Swift's tables are newer (``regexUnicodeVersion``), so the category is read through ``regexCategory(of:)``.
enum UnicodeClasses {
    /// The Unicode version of Hugging Face's pattern matching.
    static let regexUnicodeVersion = (16, 0)

    /// The general category a pattern sees: unassigned for scalars newer than ``regexUnicodeVersion``.
    static func regexCategory(of scalar: Unicode.Scalar) -> Unicode.GeneralCategory {
        if scalar.isASCII { return asciiCategories[Int(scalar.value)] }
        let properties = scalar.properties
        if let age = properties.age, (age.major, age.minor) > regexUnicodeVersion { return .unassigned }
        return properties.generalCategory
    }

    /// `\s`: Unicode White_Space.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x09...0x0D).contains(scalar.value) || scalar.value == 0x20 : scalar.properties.isWhitespace
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool { letters.contains(regexCategory(of: scalar)) }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool { numbers.contains(regexCategory(of: scalar)) }

    /// `\w` as Oniguruma reads it in Unicode: letters, marks, numbers (all three kinds: "²" and "Ⅻ" are
    /// word characters) and connector punctuation.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let category = regexCategory(of: scalar)
        return letters.contains(category) || marks.contains(category) || numbers.contains(category)
            || category == .connectorPunctuation
    }

    static let letters: Set<Unicode.GeneralCategory> = [
        .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
    ]
    static let marks: Set<Unicode.GeneralCategory> = [.nonspacingMark, .spacingMark, .enclosingMark]
    static let numbers: Set<Unicode.GeneralCategory> = [.decimalNumber, .letterNumber, .otherNumber]

    /// The categories `\p{NAME}` names: one-letter groups and two-letter categories.
    static let categoriesByName: [String: Set<Unicode.GeneralCategory>] = {
        let single: [String: Unicode.GeneralCategory] = [
            "Lu": .uppercaseLetter, "Ll": .lowercaseLetter, "Lt": .titlecaseLetter, "Lm": .modifierLetter,
            "Lo": .otherLetter, "Mn": .nonspacingMark, "Mc": .spacingMark, "Me": .enclosingMark,
            "Nd": .decimalNumber, "Nl": .letterNumber, "No": .otherNumber, "Pc": .connectorPunctuation,
            "Pd": .dashPunctuation, "Ps": .openPunctuation, "Pe": .closePunctuation, "Pi": .initialPunctuation,
            "Pf": .finalPunctuation, "Po": .otherPunctuation, "Sm": .mathSymbol, "Sc": .currencySymbol,
            "Sk": .modifierSymbol, "So": .otherSymbol, "Zs": .spaceSeparator, "Zl": .lineSeparator,
            "Zp": .paragraphSeparator, "Cc": .control, "Cf": .format, "Cs": .surrogate, "Co": .privateUse,
            "Cn": .unassigned,
        ]
        var table = single.mapValues { Set([$0]) }
        for group in ["L", "M", "N", "P", "S", "Z", "C"] {
            table[group] = Set(single.filter { $0.key.hasPrefix(group) }.values)
        }
        let longNames = ["Letter": "L", "Mark": "M", "Number": "N", "Punctuation": "P", "Symbol": "S",
                         "Separator": "Z", "Other": "C"]
        for (long, short) in longNames { table[long] = table[short] }
        return table
    }()

    private static let asciiCategories: [Unicode.GeneralCategory] = (0..<128).map {
        Unicode.Scalar(UInt8($0)).properties.generalCategory
    }
}
