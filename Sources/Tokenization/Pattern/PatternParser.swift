/// A pattern that cannot be compiled: what is wrong, and at which scalar of the pattern.
public struct PatternError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) (at character \(offset))" }
}

/// Parses the regular expressions tokenizer.json files carry (Oniguruma's Ruby syntax, as `tokenizers`
/// compiles them) into ``PatternNode``s.
///
/// Supported: literals and escapes (`\r \n \t \f \v \e \0`, `\xHH`, `\x{H…}`, `\uHHHH`, escaped
/// punctuation), `.`, classes `[…]` with ranges, negation and nesting, `\s \S \d \D \w \W`, `\p{…}` /
/// `\P{…}` / `\p{^…}` over general categories (`L`, `Lu`, `N`, `Nd`, `Letter`, …), groups `(…)` `(?:…)`
/// `(?i:…)` `(?i)` `(?>…)`, lookahead `(?=…)` `(?!…)`, quantifiers `* + ? {n} {n,} {n,m}` with lazy `?`
/// and possessive `+` forms, alternation, and the anchors `^ $ \A \z`. Anything else (lookbehind,
/// backreferences, scripts such as `\p{Han}`, other flags) is an error, so no pattern is silently misread.
struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var caseInsensitive = false

    static func parse(_ source: String) throws(PatternError) -> PatternNode {
        var parser = PatternParser(scalars: Array(source.unicodeScalars))
        let node = try parser.parseAlternation()
        if parser.position < parser.scalars.count {
            throw parser.error("unbalanced \")\"")
        }
        return node
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    // MARK: - Structure

    private mutating func parseAlternation() throws(PatternError) -> PatternNode {
        let flags = caseInsensitive
        defer { caseInsensitive = flags }
        var branches = [try parseSequence()]
        while peek == "|" {
            position += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() throws(PatternError) -> PatternNode {
        var nodes: [PatternNode] = []
        while let next = peek, next != "|", next != ")" {
            if let atom = try parseAtom() {
                nodes.append(try parseQuantifiers(of: atom))
            }
        }
        return nodes.count == 1 ? nodes[0] : nodes.isEmpty ? .empty : .sequence(nodes)
    }

    /// Quantifiers after an atom. As in Oniguruma's Ruby syntax, `?` after any quantifier makes it lazy,
    /// `+` after `*`, `+` or `?` makes it possessive, but after `{n,m}` it is a quantifier of its own:
    /// `\p{N}{1,3}+` is `(?:\p{N}{1,3})+`.
    private mutating func parseQuantifiers(of atom: PatternNode) throws(PatternError) -> PatternNode {
        var node = atom
        while let (bounds, isInterval) = try parseBounds() {
            guard bounds.max.map({ $0 >= bounds.min }) ?? true else { throw error("a quantifier's maximum is below its minimum") }
            var kind = PatternNode.RepetitionKind.greedy
            if peek == "?" {
                kind = .lazy
                position += 1
            } else if peek == "+" && !isInterval {
                kind = .possessive
                position += 1
            }
            if (bounds.max == nil || bounds.max! > 1) && node.canMatchEmpty {
                throw error("a repeated group that can match nothing is not supported")
            }
            node = .repetition(node, min: bounds.min, max: bounds.max, kind: kind)
        }
        return node
    }

    /// `*`, `+`, `?` or a `{…}` quantifier at the current position, or nil (a `{` that starts no
    /// quantifier is a literal, as in Oniguruma).
    private mutating func parseBounds() throws(PatternError) -> ((min: Int, max: Int?), isInterval: Bool)? {
        switch peek {
        case "*": position += 1; return ((0, nil), false)
        case "+": position += 1; return ((1, nil), false)
        case "?": position += 1; return ((0, 1), false)
        case "{":
            var cursor = position + 1
            func number() -> Int? {
                var value: Int?
                while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]), (value ?? 0) < 100_000 {
                    value = (value ?? 0) * 10 + Int(scalars[cursor].value - 0x30)
                    cursor += 1
                }
                return value
            }
            let low = number()
            var high = low
            if cursor < scalars.count, scalars[cursor] == "," {
                cursor += 1
                high = number()
            }
            guard cursor < scalars.count, scalars[cursor] == "}", low != nil || high != nil else { return nil }
            position = cursor + 1
            return ((low ?? 0, high), true)
        default:
            return nil
        }
    }

    private mutating func parseAtom() throws(PatternError) -> PatternNode? {
        let scalar = scalars[position]
        position += 1
        switch scalar {
        case "(": return try parseGroup()
        case "[": return .set(try parseBracket().finalized())
        case ".": return .anyButNewline
        case "^": return .anchor(.lineStart)
        case "$": return .anchor(.lineEnd)
        case "*", "+", "?": throw error("nothing to repeat before \"\(scalar)\"")
        case "\\": return try parseEscape()
        default: return literal(scalar)
        }
    }

    private mutating func parseGroup() throws(PatternError) -> PatternNode? {
        guard peek == "?" else { return try groupBody() }
        position += 1
        guard let kind = peek else { throw error("unterminated group") }
        position += 1
        switch kind {
        case ":": return try groupBody()
        case ">": return .atomic(try groupBody())
        case "=": return .lookahead(try groupBody(), negative: false)
        case "!": return .lookahead(try groupBody(), negative: true)
        case "<": throw error("lookbehind and named groups are not supported")
        default:
            position -= 1
            return try parseFlags()
        }
    }

    /// `(?i)`, `(?-i)`, `(?i:…)`: only the case-insensitive flag is supported.
    private mutating func parseFlags() throws(PatternError) -> PatternNode? {
        var on = true
        var value = caseInsensitive
        while let flag = peek, flag != ")" && flag != ":" {
            position += 1
            switch flag {
            case "-": on = false
            case "i": value = on
            default: throw error("the flag \"\(flag)\" is not supported (only i)")
            }
        }
        guard let end = peek else { throw error("unterminated group") }
        position += 1
        if end == ")" {
            caseInsensitive = value  // to the end of the enclosing group
            return nil
        }
        let outer = caseInsensitive
        caseInsensitive = value
        defer { caseInsensitive = outer }
        return try groupBody()
    }

    private mutating func groupBody() throws(PatternError) -> PatternNode {
        let body = try parseAlternation()
        guard peek == ")" else { throw error("missing \")\"") }
        position += 1
        return body
    }

    // MARK: - Scalars and classes

    private func literal(_ scalar: Unicode.Scalar) -> PatternNode {
        guard caseInsensitive else { return .scalar(scalar) }
        let variants = caseVariants(of: scalar)
        if variants.count == 1 { return .scalar(scalar) }
        return .set(ScalarSet(members: variants.map { .range($0.value...$0.value) }).finalized())
    }

    private mutating func parseEscape() throws(PatternError) -> PatternNode {
        guard let scalar = peek else { throw error("a pattern cannot end with \"\\\"") }
        switch scalar {
        case "A": position += 1; return .anchor(.textStart)
        case "z": position += 1; return .anchor(.textEnd)
        default: break
        }
        switch try parseEscapedMember() {
        case .scalar(let scalar): return literal(scalar)
        case .member(let member): return .set(ScalarSet(members: [member], caseInsensitive: caseInsensitive).finalized())
        }
    }

    private enum Escaped {
        case scalar(Unicode.Scalar)
        case member(ScalarSet.Member)
    }

    /// What follows a backslash, inside or outside brackets.
    private mutating func parseEscapedMember() throws(PatternError) -> Escaped {
        guard let scalar = peek else { throw error("a pattern cannot end with \"\\\"") }
        position += 1
        switch scalar {
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "a": return .scalar("\u{07}")
        case "e": return .scalar("\u{1B}")
        case "0": return .scalar("\u{0}")
        case "x": return .scalar(try parseHex(braced: peek == "{", digits: 2))
        case "u": return .scalar(try parseHex(braced: false, digits: 4))
        case "s": return .member(.whitespace(negated: false))
        case "S": return .member(.whitespace(negated: true))
        case "w": return .member(.word(negated: false))
        case "W": return .member(.word(negated: true))
        case "d": return .member(.categories([.decimalNumber], negated: false))
        case "D": return .member(.categories([.decimalNumber], negated: true))
        case "p", "P": return .member(try parseProperty(negated: scalar == "P"))
        default:
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                throw error("the escape \"\\\(scalar)\" is not supported")
            }
            return .scalar(scalar)
        }
    }

    private mutating func parseHex(braced: Bool, digits: Int) throws(PatternError) -> Unicode.Scalar {
        if braced { position += 1 }
        var text = ""
        while let scalar = peek, scalar.properties.isASCIIHexDigit, braced || text.unicodeScalars.count < digits {
            text.unicodeScalars.append(scalar)
            position += 1
        }
        if braced {
            guard peek == "}" else { throw error("unterminated \\x{…}") }
            position += 1
        }
        guard !text.isEmpty, let value = UInt32(text, radix: 16), let scalar = Unicode.Scalar(value) else {
            throw error("a bad hexadecimal escape")
        }
        return scalar
    }

    /// `\p{L}`, `\pL`, `\p{^L}`, `\P{Lu}`: general categories only.
    private mutating func parseProperty(negated: Bool) throws(PatternError) -> ScalarSet.Member {
        var negated = negated
        var name = ""
        if peek == "{" {
            position += 1
            if peek == "^" {
                negated.toggle()
                position += 1
            }
            while let scalar = peek, scalar != "}" {
                name.unicodeScalars.append(scalar)
                position += 1
            }
            guard peek == "}" else { throw error("unterminated \\p{…}") }
            position += 1
        } else if let scalar = peek {
            name = String(scalar)
            position += 1
        }
        guard let categories = UnicodeClasses.categoriesByName[name] else {
            throw error("the property \\p{\(name)} is not supported (general categories only, such as L, N, Lu, Nd)")
        }
        return .categories(categories, negated: negated)
    }

    /// A bracket expression after its `[`.
    private mutating func parseBracket() throws(PatternError) -> ScalarSet {
        var set = ScalarSet(caseInsensitive: caseInsensitive)
        if peek == "^" {
            set.negated = true
            position += 1
        }
        var first = true
        while true {
            guard let scalar = peek else { throw error("missing \"]\"") }
            if scalar == "]" && !first {
                position += 1
                return set
            }
            first = false
            position += 1
            let low: Unicode.Scalar
            switch scalar {
            case "[":
                if peek == ":" { throw error("POSIX classes such as [:alpha:] are not supported") }
                set.members.append(.set(try parseBracket().finalized()))
                continue
            case "&" where peek == "&":
                throw error("class intersection (&&) is not supported")
            case "\\":
                switch try parseEscapedMember() {
                case .member(let member):
                    set.members.append(member)
                    continue
                case .scalar(let scalar): low = scalar
                }
            default: low = scalar
            }
            if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                var high = scalars[position]
                position += 1
                if high == "\\" {
                    guard case .scalar(let escaped) = try parseEscapedMember() else {
                        throw error("a range cannot end with a class")
                    }
                    high = escaped
                }
                guard low.value <= high.value else { throw error("an empty range \(low)-\(high)") }
                set.members.append(.range(low.value...high.value))
            } else {
                set.members.append(.range(low.value...low.value))
            }
        }
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func error(_ message: String) -> PatternError {
        PatternError(message: message, offset: position)
    }
}
