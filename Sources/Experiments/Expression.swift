/// A derived knob's value: arithmetic over numbers and other knobs' names, as in `alpha = "2 * rank"`.
///
/// Grammar: `+ - * /` with the usual precedence, unary minus, parentheses, numeric literals (`3e-3`),
/// names (`rank`, `micro_batch`, and in findings dotted ones: `qlora.peak_memory`) and function calls
/// (`abs(x)`, `effect(a.facts, b.facts)`: only findings define functions). Evaluated in Double; the
/// caller supplies every name's value.
struct Expression: Sendable {
    indirect enum Node: Sendable {
        case number(Double)
        case name(String)
        case negate(Node)
        case binary(Character, Node, Node)
        case call(String, [Node])
    }

    let text: String
    let root: Node

    init(_ text: String) throws(ExpressionError) {
        self.text = text
        var parser = Parser(tokens: try Self.tokenize(text))
        root = try parser.expression()
        if let extra = parser.peek {
            throw ExpressionError("unexpected \(extra.display) after a complete expression")
        }
    }

    /// A parsed sub-expression (a function's argument), to evaluate on its own.
    init(root: Node) {
        text = ""
        self.root = root
    }

    /// The names the expression reads, in order of first appearance.
    var names: [String] {
        var names: [String] = []
        func visit(_ node: Node) {
            switch node {
            case .number: break
            case .name(let name): if !names.contains(name) { names.append(name) }
            case .negate(let operand): visit(operand)
            case .binary(_, let left, let right): visit(left); visit(right)
            case .call(_, let arguments): arguments.forEach(visit)
            }
        }
        visit(root)
        return names
    }

    /// The functions the expression calls, in order of first appearance.
    var functions: [String] {
        var functions: [String] = []
        func visit(_ node: Node) {
            switch node {
            case .number, .name: break
            case .negate(let operand): visit(operand)
            case .binary(_, let left, let right): visit(left); visit(right)
            case .call(let function, let arguments):
                if !functions.contains(function) { functions.append(function) }
                arguments.forEach(visit)
            }
        }
        visit(root)
        return functions
    }

    /// The value, with `value` giving each name's and `call` each function call's (which receives the
    /// argument nodes unevaluated: a finding's functions read a name as a list of runs' values).
    func evaluate(
        _ value: (String) throws(ExpressionError) -> Double,
        call: (String, [Node]) throws(ExpressionError) -> Double = { name, _ throws(ExpressionError) in
            throw ExpressionError("unknown function '\(name)'")
        }
    ) throws(ExpressionError) -> Double {
        func evaluate(_ node: Node) throws(ExpressionError) -> Double {
            switch node {
            case .number(let number): return number
            case .name(let name): return try value(name)
            case .call(let function, let arguments): return try call(function, arguments)
            case .negate(let operand): return -(try evaluate(operand))
            case .binary(let op, let left, let right):
                let l = try evaluate(left), r = try evaluate(right)
                switch op {
                case "+": return l + r
                case "-": return l - r
                case "*": return l * r
                default:
                    guard r != 0 else { throw ExpressionError("division by zero") }
                    return l / r
                }
            }
        }
        let result = try evaluate(root)
        guard result.isFinite else { throw ExpressionError("the result is not a finite number") }
        return result
    }

    enum Token: Equatable {
        case number(Double)
        case name(String)
        case symbol(Character)

        var display: String {
            switch self {
            case .number(let number): "'\(number)'"
            case .name(let name): "'\(name)'"
            case .symbol(let symbol): "'\(symbol)'"
            }
        }
    }

    static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c.isWhitespace {
                i += 1
            } else if "+-*/(),".contains(c) {
                tokens.append(.symbol(c))
                i += 1
            } else if c.isASCII, c.isNumber || c == "." {
                let start = i
                while i < characters.count, characters[i].isASCII, characters[i].isNumber || characters[i] == "." { i += 1 }
                if i < characters.count, characters[i] == "e" || characters[i] == "E" {
                    var j = i + 1
                    if j < characters.count, characters[j] == "+" || characters[j] == "-" { j += 1 }
                    if j < characters.count, characters[j].isASCII, characters[j].isNumber {
                        i = j
                        while i < characters.count, characters[i].isASCII, characters[i].isNumber { i += 1 }
                    }
                }
                let literal = String(characters[start..<i])
                guard let number = Double(literal) else { throw ExpressionError("'\(literal)' is not a number") }
                tokens.append(.number(number))
            } else if c.isASCII, c.isLetter || c == "_" {
                let start = i
                while i < characters.count, characters[i].isASCII,
                    characters[i].isLetter || characters[i].isNumber || characters[i] == "_"
                        || (characters[i] == "." && i + 1 < characters.count && characters[i + 1].isLetter)
                {
                    i += 1
                }
                tokens.append(.name(String(characters[start..<i])))
            } else {
                throw ExpressionError("unexpected character '\(c)'")
            }
        }
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        var position = 0

        var peek: Token? { position < tokens.count ? tokens[position] : nil }

        mutating func expression() throws(ExpressionError) -> Node {
            var node = try term()
            while let token = peek, token == .symbol("+") || token == .symbol("-") {
                position += 1
                guard case .symbol(let op) = token else { break }
                node = .binary(op, node, try term())
            }
            return node
        }

        mutating func term() throws(ExpressionError) -> Node {
            var node = try factor()
            while let token = peek, token == .symbol("*") || token == .symbol("/") {
                position += 1
                guard case .symbol(let op) = token else { break }
                node = .binary(op, node, try factor())
            }
            return node
        }

        mutating func factor() throws(ExpressionError) -> Node {
            guard let token = peek else { throw ExpressionError("the expression ends where a number, a name or '(' was expected") }
            position += 1
            switch token {
            case .number(let number): return .number(number)
            case .name(let name):
                guard peek == .symbol("(") else { return .name(name) }
                position += 1
                var arguments: [Node] = []
                if peek == .symbol(")") {
                    position += 1
                    return .call(name, arguments)
                }
                while true {
                    arguments.append(try expression())
                    if peek == .symbol(",") { position += 1; continue }
                    guard peek == .symbol(")") else { throw ExpressionError("the call \(name)( is never closed") }
                    position += 1
                    return .call(name, arguments)
                }
            case .symbol("-"): return .negate(try factor())
            case .symbol("+"): return try factor()
            case .symbol("("):
                let inner = try expression()
                guard peek == .symbol(")") else { throw ExpressionError("a '(' is never closed") }
                position += 1
                return inner
            default: throw ExpressionError("unexpected \(token.display) where a number, a name or '(' was expected")
            }
        }
    }
}

struct ExpressionError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
