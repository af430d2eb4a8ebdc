import Testing
import TextData
import Tokenization

@Suite("Special tokens")
struct SpecialTokenTests {
    @Test("Padding, beginning and end of sequence take ids 0, 1 and 2")
    func ids() {
        #expect(SpecialToken.pad.id == 0)
        #expect(SpecialToken.bos.id == 1)
        #expect(SpecialToken.eos.id == 2)
    }
}
