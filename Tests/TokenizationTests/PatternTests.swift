import Testing
@testable import Tokenization

@Suite("Patterns")
struct PatternTests {
    @Test("A literal pattern finds each occurrence")
    func literal() {
        let pattern = Pattern(literal: "ab")
        #expect(pattern.matches(in: Array("xabab a".unicodeScalars)) == [1..<3, 3..<5])
    }
}
