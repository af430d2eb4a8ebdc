import Testing
@testable import TextData

@Suite struct WordNetDefinitionsTests {
    func synset(_ offset: Int, _ words: [String], _ definition: String, tags: Int) -> WordNet.Synset {
        WordNet.Synset(id: .init(partOfSpeech: .noun, offset: offset), words: words, definition: definition, tagCount: tags)
    }

    @Test("A word's most frequent sense comes first, and the commonest words lead")
    func mostFrequentSenseFirst() {
        let wordNet = WordNet(synsets: [
            synset(1, ["bank"], "sloping land beside a river", tags: 5),
            synset(2, ["river", "stream"], "a large natural stream of water", tags: 10),
            synset(3, ["bank", "depository"], "a financial institution", tags: 20),
        ], hasTagCounts: true)
        let pairs = wordNet.definitions().map { "\($0.word): \($0.definition)" }
        #expect(pairs == [
            "bank: a financial institution", "bank: sloping land beside a river",
            "depository: a financial institution",
            "river: a large natural stream of water", "stream: a large natural stream of water",
        ])
    }

    @Test("Untagged senses, names and multi-word lemmas are left out")
    func onlyTaggedLowercaseWords() {
        let wordNet = WordNet(synsets: [
            synset(1, ["kettle"], "a metal pot for boiling water", tags: 0),
            synset(2, ["New_York", "big_apple", "Gotham"], "the largest city", tags: 30),
            synset(3, ["lantern"], "a light with a protective case", tags: 2),
        ], hasTagCounts: true)
        #expect(wordNet.definitions().map(\.word) == ["lantern"])
    }
}
