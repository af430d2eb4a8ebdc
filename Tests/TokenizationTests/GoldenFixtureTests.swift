import Testing
import Tokenization

@Suite("Fixtures built by Hugging Face's tokenizers, read back as AutoTokenizer reads them")
struct GoldenFixtureTests {
    @Test("Encoding gives AutoTokenizer's input_ids, special tokens added as the post-processor says",
          arguments: TokenizerFixtures.families)
    func encodeMatchesAutoTokenizer(_ family: String) throws {
        let tokenizer = try TokenizerFixtures.tokenizer(family)
        for golden in try TokenizerFixtures.goldens(family).cases {
            #expect(tokenizer.encode(golden.text) == golden.ids, "\(family): \(golden.text.debugDescription)")
        }
    }

    @Test("Encoding without special tokens gives add_special_tokens=False's ids", arguments: TokenizerFixtures.families)
    func encodeWithoutSpecialTokens(_ family: String) throws {
        let tokenizer = try TokenizerFixtures.tokenizer(family)
        for golden in try TokenizerFixtures.goldens(family).cases {
            #expect(tokenizer.encode(golden.text, addSpecialTokens: false) == golden.idsWithoutSpecials,
                    "\(family): \(golden.text.debugDescription)")
        }
    }

    @Test("A pair of texts encodes as the pair template says", arguments: TokenizerFixtures.families)
    func encodePairs(_ family: String) throws {
        let tokenizer = try TokenizerFixtures.tokenizer(family)
        for golden in try TokenizerFixtures.goldens(family).pairs {
            #expect(tokenizer.encode(golden.text, pair: golden.pair) == golden.ids, "\(family): \(golden.text) / \(golden.pair)")
        }
    }

    @Test("Decoding gives decode(ids, skip_special_tokens=True) and =False", arguments: TokenizerFixtures.families)
    func decodeMatchesAutoTokenizer(_ family: String) throws {
        let tokenizer = try TokenizerFixtures.tokenizer(family)
        let goldens = try TokenizerFixtures.goldens(family)
        let decodes = goldens.cases.map { TokenizerFixtures.Decode(ids: $0.ids, decoded: $0.decoded, decodedWithSpecials: $0.decodedWithSpecials) }
        for golden in decodes + goldens.decodes {
            let skipped = tokenizer.decode(golden.ids, skipSpecialTokens: true)
            let kept = tokenizer.decode(golden.ids, skipSpecialTokens: false)
            #expect(sameBytes(skipped, golden.decoded), "\(family): \(golden.ids) gave \(skipped.debugDescription), not \(golden.decoded.debugDescription)")
            #expect(sameBytes(kept, golden.decodedWithSpecials), "\(family): \(golden.ids) gave \(kept.debugDescription), not \(golden.decodedWithSpecials.debugDescription)")
        }
    }
}
