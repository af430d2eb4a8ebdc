import Foundation
import Testing
@testable import TextData

@Suite("WordNet as pretraining text")
struct WordNetTextTests {
    func synset(_ word: String) throws -> WordNet.Synset {
        try #require(WordNetFixtures.synsets.first { $0.words.first == word })
    }

    /// The first lines (the sentences) of a synset's document under seeds 0..<40.
    func sentences(_ word: String) throws -> Set<String> {
        let synset = try synset(word)
        return Set(try (0..<40).map { seed in
            let document = try #require(WordNet.document(for: synset, seed: UInt64(seed)))
            return String(document.text.split(separator: "\n", omittingEmptySubsequences: false)[0])
        })
    }

    @Test("A noun with \"a …\" definition: \"A dog is …\", its other words, then its examples as they are")
    func nounDocument() throws {
        let definition = "a member of the genus Canis (probably descended from the common wolf) that has been "
            + "domesticated by man since prehistoric times; occurs in many breeds."
        let others = " Other words for dog are domestic dog and Canis familiaris."
        #expect(try sentences("dog") == [
            "A dog is \(definition)\(others)", "dog: \(definition)\(others)",
            "The word \"dog\" means \(definition)\(others)",
        ])
        let document = try #require(WordNet.document(for: try synset("dog"), seed: 1))
        #expect(document.text.split(separator: "\n").dropFirst() == ["the dog barked all night"])
        #expect(document.exampleCount == 1 && document.synset.offset == 2_084_071)
    }

    @Test("Names take no article; \"any of …\", \"the …\", \"that …\" definitions follow \"is\" directly")
    func namesAndOtherDefinitions() throws {
        #expect(try sentences("Paris").contains("Paris is the capital and largest city of France."))
        #expect(try sentences("canine").contains(
            "Canine is any of various fissiped mammals with nonretractile claws and typically long muzzles. "
                + "Another word for canine is canid."))
        #expect(try sentences("entity").contains { $0.hasPrefix("Entity is that which is perceived") })
        // A definition without a determiner would read badly after "is" ("Tying is loosening …").
        #expect(try sentences("tying") == [
            "tying: loosening the ties that fasten something. Another word for tying is ligature.",
            "The word \"tying\" means loosening the ties that fasten something. Another word for tying is ligature.",
        ])
    }

    @Test("Verbs: \"To inhale is to …\"; adjectives: \"Something handy is …\"; adverbs: \"Barely means …\"")
    func otherPartsOfSpeech() throws {
        let also = " Other words for inhale are inspire and breathe in."
        #expect(try sentences("inhale") == [
            "To inhale is to draw in (air).\(also)", "To inhale means to draw in (air).\(also)", "inhale: draw in (air).\(also)",
        ])
        #expect(try sentences("handy") == [
            "Something handy is easy to reach. Another word for handy is ready to hand.",
            "Handy means easy to reach. Another word for handy is ready to hand.",
            "handy: easy to reach. Another word for handy is ready to hand.",
        ])
        // A definition that starts with a label "(…)" is not put after "is".
        #expect(try sentences("able").allSatisfy { $0.hasPrefix("able: (usually") || $0.hasPrefix("Able means (usually") })
        // At most four other words.
        #expect(try sentences("barely").contains(
            "Barely means only a very short time before. Other words for barely are hardly, just, scarcely and scarce."))
    }

    @Test("Articles: a dog, an apple, an hour, a unit, a European")
    func articles() {
        #expect(["dog", "apple", "hour", "unit", "European", "umbrella"].map(WordNet.article(for:))
                == ["a", "an", "an", "a", "a", "an"])
    }

    @Test("Documents are deterministic for a seed, and a seed changes order and wording")
    func determinism() {
        let wordNet = WordNetFixtures.wordNet
        #expect(wordNet.documents(seed: 3) == wordNet.documents(seed: 3))
        let texts = (0..<8).map { wordNet.documents(seed: UInt64($0)).map(\.text) }
        #expect(Set(texts).count > 1)
        #expect(Set(texts.map { Set($0) }).count > 1, "wording varies with the seed")
    }

    @Test("A byte budget takes a prefix of the same order, at most the budget and within one document of it")
    func byteBudget() {
        let wordNet = WordNetFixtures.wordNet
        let all = wordNet.documents(seed: 5)
        #expect(all.count == WordNetFixtures.synsets.count, "every fixture synset has a definition")
        let total = all.map(\.text.utf8.count).reduce(0, +)
        for budget in [0, 50, 200, 500, 1_000, total - 1, total, total + 100] {
            let taken = wordNet.documents(seed: 5, byteBudget: budget)
            let bytes = taken.map(\.text.utf8.count).reduce(0, +)
            #expect(taken == Array(all.prefix(taken.count)))
            #expect(bytes <= budget)
            if taken.count < all.count {
                #expect(bytes + all[taken.count].text.utf8.count > budget, "budget \(budget): the next one would fit")
            }
        }
    }

    @Test("frequent_first takes the most tagged synsets first; the wording does not depend on the selection")
    func frequentFirst() throws {
        let directory = try WordNetFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordNet = try WordNet(directory: directory.path)
        let frequent = wordNet.documents(seed: 9, selection: .frequentFirst)
        let heads = frequent.prefix(5).map { document in wordNet.synset(document.synset)!.words[0] }
        #expect(heads == ["dog", "canine", "inhale", "handy", "accessible"])
        let random = wordNet.documents(seed: 9, selection: .random)
        #expect(random.map(\.synset) != frequent.map(\.synset))
        #expect(Set(random) == Set(frequent))
    }

    @Test(
        "The installed nouns: frequent senses first, within budget",
        .enabled(if: WordNetFixtures.realFilesInstalled,
                 "skipped: /usr/share/wordnet is missing; install it with `sudo apt-get install wordnet-base` or `make setup`"))
    func installedNouns() throws {
        let nouns = try #require(WordNetFixtures.realNouns)
        let documents = nouns.documents(seed: 1, byteBudget: 20_000)
        #expect(documents.map(\.text.utf8.count).reduce(0, +) <= 20_000)
        let counts = documents.map { nouns.synset($0.synset)!.tagCount }
        #expect(counts == counts.sorted(by: >) && counts.last! > 0)
        #expect(documents.contains { $0.text.contains("person") })
    }
}
