import Foundation
import Testing
import TextData
import Tokenization

@Suite("The pretraining corpus: WordNet and the world, mixed")
struct PretrainingCorpusTests {
    /// The tiny world (seed 7) with the fixture WordNet, all of it (its text is ~2 KB).
    static let corpus = PretrainingCorpus(world: WorldFixtures.tiny, wordNet: WordNetFixtures.wordNet)

    func configuration(wordNetBytes: Int) -> PretrainingCorpus.Configuration {
        var configuration = PretrainingCorpus.Configuration()
        configuration.wordNetBytes = wordNetBytes
        return configuration
    }

    @Test("Every world document is kept, so each fact is still stated exactly k times")
    func worldDocumentsAllPresent() {
        let corpus = Self.corpus
        let world = corpus.documents.filter { $0.source == .world }.map(\.text)
        #expect(world.sorted() == WorldFixtures.tinyCorpus.texts.sorted())
        #expect(corpus.summary.world == WorldFixtures.tinyCorpus.summary)
        #expect(corpus.summary.world.factExposures.allSatisfy { $0.fewestPerFact == $0.k && $0.mostPerFact == $0.k })
        // The text agrees: a k = 40 fact's value (a river, a founder …) is named in as many documents as before.
        let fact = WorldFixtures.tiny.facts.first { $0.exposures == 40 }!
        let before = WorldFixtures.tinyCorpus.texts.filter { $0.contains(fact.value) }.count
        #expect(corpus.texts.filter { $0.contains(fact.value) }.count == before)
    }

    @Test("The WordNet documents are those of WordNet.documents(seed:byteBudget:) for the world's seed")
    func wordNetDocuments() {
        let expected = WordNetFixtures.wordNet.documents(seed: 7, byteBudget: 1_000_000).map(\.text)
        let taken = Self.corpus.documents.filter { $0.source == .wordNet }.map(\.text)
        #expect(taken.sorted() == expected.sorted())
        #expect(taken.count == WordNetFixtures.synsets.count)
    }

    @Test("The byte budget bounds the WordNet text; 0 gives the world alone")
    func budget() {
        let all = Self.corpus.summary.wordNet.bytes
        for budget in [0, 300, all / 2, all] {
            let corpus = PretrainingCorpus(
                world: WorldFixtures.tiny, wordNet: WordNetFixtures.wordNet, configuration: configuration(wordNetBytes: budget))
            let bytes = corpus.documents.filter { $0.source == .wordNet }.map(\.text.utf8.count).reduce(0, +)
            #expect(bytes <= budget && bytes == corpus.summary.wordNet.bytes)
            #expect(corpus.summary.world == WorldFixtures.tinyCorpus.summary, "the world is never cut")
            if budget == 0 { #expect(corpus.summary.wordNet.synsets == 0) }
            if budget == all { #expect(corpus.summary.wordNet.synsets == WordNetFixtures.synsets.count) }
        }
    }

    @Test("The same seed gives the same corpus; another seed another order; the sources are interleaved")
    func determinismAndMixing() {
        let again = PretrainingCorpus(world: World(seed: 7, configuration: .tiny), wordNet: WordNetFixtures.wordNet)
        #expect(again.texts == Self.corpus.texts)
        #expect(again.summary == Self.corpus.summary)
        let other = PretrainingCorpus(world: World(seed: 8, configuration: .tiny), wordNet: WordNetFixtures.wordNet)
        #expect(other.texts != Self.corpus.texts)
        let positions = Self.corpus.documents.indices.filter { Self.corpus.documents[$0].source == .wordNet }
        #expect(positions.last! - positions.first! + 1 > positions.count, "WordNet documents are not one block")
        #expect(positions.first! < Self.corpus.documents.count / 2 && positions.last! > Self.corpus.documents.count / 2)
    }

    @Test("WordNet documents that use the world's rare or held-out verbs, or its intransitive-only verbs with an object, are left out")
    func controlledVerbs() throws {
        let verbs = WorldFixtures.tiny.verbs
        let frequent = try #require(verbs.first { $0.group == .frequent })
        let rare = try #require(verbs.first { $0.group == .rare })
        let heldOut = try #require(verbs.first { $0.group == .heldOut })
        let intransitive = try #require(verbs.first { $0.group == .intransitiveOnly })
        let examples = [
            "kept: the cook \(frequent.past) the \(frequent.themes[0])",
            "left out: the \(rare.themes[0]) \(rare.past) at noon",  // even without an object
            "left out: \(heldOut.present.capitalized) it slowly",
            "left out: they \(intransitive.past) the whole night",
            "kept: they \(intransitive.past) at noon",
            "kept: an unrelated example",
        ]
        let wordNet = WordNet(synsets: examples.enumerated().map { i, example in
            WordNet.Synset(id: .init(partOfSpeech: .noun, offset: i), words: ["thing\(i)"], definition: "a thing",
                           examples: [example])
        })
        let corpus = PretrainingCorpus(world: WorldFixtures.tiny, wordNet: wordNet)
        let kept = corpus.documents.filter { $0.source == .wordNet }.map { $0.text.split(separator: "\n")[1] }
        #expect(Set(kept) == Set(examples.filter { $0.hasPrefix("kept") }.map { Substring($0) }))
        #expect(corpus.summary.wordNet.excludedForVerbs == 3)
        #expect(corpus.summary.world == WorldFixtures.tinyCorpus.summary)

        var everything = PretrainingCorpus.Configuration()
        everything.excludeControlledVerbs = false
        let unscreened = PretrainingCorpus(world: WorldFixtures.tiny, wordNet: wordNet, configuration: everything)
        #expect(unscreened.summary.wordNet.synsets == examples.count && unscreened.summary.wordNet.excludedForVerbs == 0)
    }

    @Test("The summary counts documents and bytes per source")
    func summary() {
        let corpus = Self.corpus
        let summary = corpus.summary
        #expect(summary.seed == 7)
        #expect(summary.documents == corpus.documents.count)
        #expect(summary.bytes == corpus.texts.map(\.utf8.count).reduce(0, +))
        for source in PretrainingCorpus.Source.allCases {
            let documents = corpus.documents.filter { $0.source == source }
            #expect(summary.documents(from: source) == documents.count)
            #expect(summary.bytes(from: source) == documents.map(\.text.utf8.count).reduce(0, +))
        }
        let w = summary.wordNet
        #expect([w.nouns, w.verbs, w.adjectives, w.adverbs] == [Int]([5, 2, 6, 1]))
        #expect(w.examples == WordNetFixtures.synsets.map(\.examples.count).reduce(0, +))
        #expect(summary.wordNetSynsetsAvailable == WordNetFixtures.synsets.count)
        let text = summary.description
        #expect(text.hasPrefix("pretraining corpus (seed 7): "))
        #expect(text.contains("wordnet: 14 of 14 synsets") && text.contains("budget 1,000,000"))
        #expect(text.contains("k = 40: 2 towns, 8 facts × 40 = 320 statements"))
    }

    @Test("The configuration decodes from snake_case keys and names the key it rejects")
    func configurationCoding() throws {
        let decoded = try JSONDecoder().decode(
            PretrainingCorpus.Configuration.self,
            from: Data(#"""
                {"wordnet_bytes": 5000, "wordnet_selection": "random", "world_parts": ["facts", "verbs"],
                 "exclude_controlled_verbs": false}
                """#.utf8))
        #expect(decoded.wordNetBytes == 5000 && decoded.wordNetSelection == .random)
        #expect(decoded.worldParts == [.facts, .verbs] && !decoded.excludeControlledVerbs)
        let defaults = try JSONDecoder().decode(PretrainingCorpus.Configuration.self, from: Data("{}".utf8))
        #expect(defaults == .default && defaults.wordNetBytes == 1_000_000 && defaults.excludeControlledVerbs)
        let roundTrip = try JSONDecoder().decode(
            PretrainingCorpus.Configuration.self, from: JSONEncoder().encode(decoded))
        #expect(roundTrip == decoded)
        for (json, key) in [
            (#"{"wordnet_bytes": -1}"#, "wordnet_bytes"),
            (#"{"wordnet_selection": "alphabetical"}"#, "wordnet_selection"),
            (#"{"world_parts": ["facts", "poems"]}"#, "world_parts"),
        ] {
            #expect {
                try JSONDecoder().decode(PretrainingCorpus.Configuration.self, from: Data(json.utf8))
            } throws: { error in
                (error as? World.ConfigurationError)?.key == key
            }
        }
        // Only the parts asked for, each in full.
        var factsOnly = PretrainingCorpus.Configuration()
        factsOnly.worldParts = [.facts]
        let corpus = PretrainingCorpus(world: WorldFixtures.tiny, wordNet: WordNetFixtures.wordNet, configuration: factsOnly)
        #expect(corpus.summary.world == WorldFixtures.tiny.corpus(parts: [.facts]).summary)
    }

    @Test("build(seed:) reads WordNet from a directory; without one it fails unless no WordNet is asked for")
    func build() throws {
        let directory = try WordNetFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let built = try PretrainingCorpus.build(seed: 7, world: .tiny, wordNetDirectory: directory.path)
        let expected = PretrainingCorpus(world: WorldFixtures.tiny, wordNet: try WordNet(directory: directory.path))
        #expect(built.texts == expected.texts)

        let nowhere = "/nonexistent/wordnet-\(UUID().uuidString)"
        #expect(throws: WordNet.LoadError.missingDirectory(path: nowhere)) {
            try PretrainingCorpus.build(seed: 7, world: .tiny, wordNetDirectory: nowhere)
        }
        let worldOnly = try PretrainingCorpus.build(
            seed: 7, world: .tiny, configuration: configuration(wordNetBytes: 0), wordNetDirectory: nowhere)
        #expect(worldOnly.texts.sorted() == WorldFixtures.tinyCorpus.texts.sorted())
    }

    @Test("A tokenizer trained on the corpus has the size asked for and round-trips its documents")
    func tokenizer() throws {
        var factsAndArithmetic = PretrainingCorpus.Configuration()
        factsAndArithmetic.worldParts = [.facts, .arithmetic]  // a smaller corpus trains faster in debug
        let corpus = PretrainingCorpus(
            world: WorldFixtures.tiny, wordNet: WordNetFixtures.wordNet, configuration: factsAndArithmetic)
        let tokenizer = corpus.trainTokenizer(vocabularySize: 400)
        #expect(tokenizer.vocabularySize == 400)
        let wordNetSample = try #require(corpus.documents.first { $0.source == .wordNet && $0.text.contains("\n") })
        let worldSample = try #require(corpus.documents.first { $0.source == .world && $0.text.contains("Answer:") })
        for text in [wordNetSample.text, worldSample.text, "A dog is a member of the genus Canis. 59 - 38 = 21"] {
            let ids = tokenizer.encode(text, addBOS: true, addEOS: true)
            #expect(tokenizer.decode(ids, skipSpecialTokens: true) == text)
            #expect(TokenizerFixtures.sameBytes(tokenizer.decode(ids, skipSpecialTokens: true), text))
            #expect(ids.count < text.utf8.count, "merges learned from the corpus shorten its text")
        }
        #expect(tokenizer.encode("2024") == [53, 51, 53, 55], "digits stay single: 3 + \"2\", \"0\", \"2\", \"4\"")
    }
}
