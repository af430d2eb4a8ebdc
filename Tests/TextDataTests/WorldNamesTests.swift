import Testing
import TextData

@Suite("Invented town names")
struct WorldNamesTests {
    /// All 400 names of a default world (300 fact towns and 100 misconception towns).
    static func names(seed: UInt64) -> [String] {
        let world = World(seed: seed)
        return world.towns.map(\.name) + world.misconceptions.map(\.town)
    }

    @Test("Names are unique, 5 to 10 letters, capitalised, and pronounceable", arguments: [1, 2, 3] as [UInt64])
    func wellFormed(seed: UInt64) {
        let names = Self.names(seed: seed)
        #expect(names.count == 400)
        #expect(Set(names.map { $0.lowercased() }).count == names.count, "duplicate names")
        for name in names {
            #expect((5...10).contains(name.count), "\(name)")
            #expect(name.first!.isUppercase && name.dropFirst().allSatisfy { $0.isLowercase && $0.isASCII }, "\(name)")
            // Pronounceable: never three consonants or three vowels in a row.
            var consonants = 0
            var vowels = 0
            for letter in name.lowercased() {
                if "aeiou".contains(letter) { vowels += 1; consonants = 0 } else { consonants += 1; vowels = 0 }
                #expect(consonants <= 3 && vowels <= 2, "\(name) is hard to say")
            }
        }
    }

    @Test("No name is a word the world uses for anything else")
    func noCollisionWithVocabulary() {
        var words = Set<String>()
        for attribute in World.Attribute.allCases {
            for value in attribute.values { for word in value.split(separator: " ") { words.insert(word.lowercased()) } }
        }
        let world = World(seed: 1)
        for verb in world.verbs {
            words.formUnion([verb.base, verb.present, verb.past])
            words.formUnion(verb.themes)
        }
        for name in Self.names(seed: 1) {
            #expect(!words.contains(name.lowercased()), "\(name) is also a vocabulary word")
        }
    }

    @Test("Attribute values are distinct across attributes, so a value names one attribute")
    func valuesDisjoint() {
        let all = World.Attribute.allCases.flatMap(\.values)
        #expect(Set(all).count == all.count)
        #expect(World.Attribute.allCases.allSatisfy { $0.values.count >= 4 }, "4-choice items need 4 values")
    }

    @Test(
        "No town, country or river name is an English word (WordNet)",
        .enabled(if: WorldFixtures.wordNetWords != nil, "needs Debian's wordnet-base (make setup)"))
    func notEnglish() throws {
        let english = try #require(WorldFixtures.wordNetWords)
        for seed in 1...10 as ClosedRange<UInt64> {
            for name in Self.names(seed: seed) {
                #expect(!english.contains(name.lowercased()), "\(name) (seed \(seed)) is in WordNet")
            }
        }
        for value in World.Attribute.country.values + World.Attribute.river.values {
            #expect(!english.contains(value.lowercased()), "\(value) is in WordNet")
        }
    }
}
