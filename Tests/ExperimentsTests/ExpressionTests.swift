import Testing
@testable import Experiments

@Suite("Arithmetic expressions for derived knobs")
struct ExpressionTests {
    func value(_ text: String, _ names: [String: Double] = [:]) throws -> Double {
        try Expression(text).evaluate { names[$0]! }
    }

    @Test("Multiplication binds tighter than addition; parentheses and unary minus work")
    func precedence() throws {
        #expect(try value("1 + 2 * 3") == 7)
        #expect(try value("(1 + 2) * 3") == 9)
        #expect(try value("-2 * -3") == 6)
        #expect(try value("8 / 2 / 2") == 2)
        #expect(try value("3e-3 * 2") == 6e-3)
        #expect(try value("(rank + 1) * 2", ["rank": 8]) == 18)
    }

    @Test("An expression lists the names it reads, once each, in order")
    func names() throws {
        #expect(try Expression("batch / micro_batch + batch * rank").names == ["batch", "micro_batch", "rank"])
    }

    @Test("Malformed expressions are refused with a reason")
    func malformed() {
        for text in ["2 *", "(rank", "rank)", "2 ^ 3", "", "1.2.3", "rank rank"] {
            #expect(throws: ExpressionError.self, "\(text)") { try Expression(text) }
        }
    }

    @Test("Division by zero is an error, not infinity")
    func divisionByZero() {
        #expect(throws: ExpressionError.self) { try value("1 / (rank - 8)", ["rank": 8]) }
    }
}
