import Foundation
import Testing
import TextData

@Suite("WordNet data files")
struct WordNetTests {
    typealias Synset = WordNet.Synset

    func synset(_ word: String, _ partOfSpeech: WordNet.PartOfSpeech) throws -> Synset {
        try #require(WordNetFixtures.synsets.first { $0.partOfSpeech == partOfSpeech && $0.words.first == word })
    }

    /// A noun line with no pointers and the given gloss.
    func parseGloss(_ gloss: String) throws -> Synset {
        try #require(try WordNet.parseDataFile("00001740 03 n 01 thing 0 000 | \(gloss)  \n", partOfSpeech: .noun).first)
    }

    @Test("Nouns: header skipped, words, definition, examples, pointers")
    func nouns() throws {
        let nouns = try WordNet.parseDataFile(WordNetFixtures.noun, partOfSpeech: .noun)
        #expect(nouns.map(\.words.first) == ["entity", "tying", "dog", "canine", "Paris"])
        let dog = try synset("dog", .noun)
        #expect(dog.id == WordNet.SynsetID(partOfSpeech: .noun, offset: 2_084_071))
        #expect(dog.id.description == "02084071-n")
        #expect(dog.lexicographerFile == 5 && !dog.isSatellite)
        #expect(dog.words == ["dog", "domestic dog", "Canis familiaris"])
        #expect(dog.definition == "a member of the genus Canis (probably descended from the common wolf) "
            + "that has been domesticated by man since prehistoric times; occurs in many breeds")
        #expect(dog.examples == ["the dog barked all night"])
        #expect(dog.pointers.map(\.symbol) == ["@", "@", "#m"])
        #expect(dog.pointers[0].target == WordNet.SynsetID(partOfSpeech: .noun, offset: 2_083_346))
        #expect(dog.frames.isEmpty && dog.tagCount == 0)

        let entity = try synset("entity", .noun)
        #expect(entity.examples.isEmpty)
        #expect(entity.definition.hasSuffix("its own distinct existence (living or nonliving)"))
    }

    @Test("\"; \" inside an example's quotes stays in the example")
    func semicolonInsideQuotes() throws {
        let tying = try synset("tying", .noun)
        #expect(tying.definition == "loosening the ties that fasten something")
        #expect(tying.examples == ["the tying of bow ties is an art; the untying is easy"])
        #expect(tying.words == ["tying", "ligature"])
    }

    @Test("Adjectives: (a), (p) and (ip) markers are stripped and kept aside; satellites are marked")
    func adjectiveMarkers() throws {
        let handy = try synset("handy", .adjective)
        #expect(handy.isSatellite)
        #expect(handy.words == ["handy", "ready to hand"])
        #expect(handy.markers == [nil, "p"])
        #expect(handy.definition == "easy to reach")
        #expect(handy.examples == ["found a handy spot for the can opener"])

        let abounding = try synset("abounding", .adjective)
        #expect(abounding.words == ["abounding", "galore"] && abounding.markers == [nil, "ip"])

        let outback = try synset("outback", .adjective)
        #expect(outback.markers == ["a", nil])
        #expect(outback.definition == "inaccessible and sparsely populated", "the gloss's trailing \";\" is dropped")
        #expect(outback.examples.isEmpty)

        let usedTo = try synset("used to", .adjective)
        #expect(usedTo.words == ["used to", "wont to"] && usedTo.markers == ["p", "p"])
        #expect(usedTo.examples == ["I am used to hitchhiking", "...was wont to complain that this is a cold world"],
                "the attribution after the closing quote is dropped")

        let able = try synset("able", .adjective)
        #expect(!able.isSatellite)
        #expect(able.definition.hasPrefix("(usually followed by `to') having the necessary means"))
        #expect(able.examples == ["able to swim", "she was able to program her computer"])
        #expect(able.pointers == [WordNet.Pointer(
            symbol: "!", target: WordNet.SynsetID(partOfSpeech: .adjective, offset: 2098), sourceWord: 1, targetWord: 1)])
    }

    @Test("Verbs: frames are read and the gloss still found after them")
    func verbFrames() throws {
        let inhale = try synset("inhale", .verb)
        #expect(inhale.words == ["inhale", "inspire", "breathe in"])
        #expect(inhale.frames == [.init(number: 2, word: 0), .init(number: 8, word: 0), .init(number: 11, word: 1)])
        #expect(inhale.definition == "draw in (air)")
        #expect(inhale.examples == ["Inhale deeply", "inhale the fresh mountain air"])
        let forceOut = try synset("force out", .verb)
        #expect(forceOut.frames.map(\.number) == [8, 11])
        #expect(forceOut.examples == ["force out the air", "force out the splinter"])
    }

    @Test("Adverbs: five words, a lex_id other than 0, no pointers")
    func adverbs() throws {
        let barely = try synset("barely", .adverb)
        #expect(barely.words == ["barely", "hardly", "just", "scarcely", "scarce"])
        #expect(barely.pointers.isEmpty)
        #expect(barely.examples.count == 2)
    }

    @Test("Malformed glosses of WordNet 3.0: unclosed, missing opening quote, stray quote, mismatched quotes")
    func malformedGlosses() throws {
        // data.noun "notice": the last example lacks its closing quote.
        let unclosed = try parseGloss(#"an announcement; "you didn't give me enough notice"; "a notice of sale"#)
        #expect(unclosed.examples == ["you didn't give me enough notice", "a notice of sale"])
        // data.verb "drop": an example lacks its opening quote.
        let unopened = try parseGloss(#"utter with seeming casualness; "drop a hint"; drop names""#)
        #expect(unopened.definition == "utter with seeming casualness")
        #expect(unopened.examples == ["drop a hint", "drop names"])
        // data.noun "post office": the definition ends in a stray quote.
        let stray = try parseGloss(#"a local branch where postal services are available""#)
        #expect(stray.definition == "a local branch where postal services are available" && stray.examples.isEmpty)
        // data.verb "side": a quote inside a word; that example is dropped, the others kept.
        let mismatched = try parseGloss(
            #"take sides for or against; "Who are you siding with?"; "I"m siding against the current candidate""#)
        #expect(mismatched.examples == ["Who are you siding with?"])
        // A definition in two parts around an example keeps both parts.
        let split = try parseGloss(#"a thing; "an example"; more about it"#)
        #expect(split.definition == "a thing; more about it" && split.examples == ["an example"])
    }

    @Test("A malformed line is reported with its file and 1-based line number")
    func malformedLines() throws {
        let header = "  1 licence\n  2 licence\n"
        let good = "00001740 03 n 01 entity 0 000 | that which is  \n"
        let cases: [(line: String, reason: String)] = [
            ("00001930 03 n zz physical_entity 0 000 | an entity", "w_cnt \"zz\" is not 2 hex digits"),
            ("00001930 03 n 01 physical_entity 0 002 @ 00001740 n 0000 | an entity",
             "offset of pointer 2 \"an\" is not 8 digits"),
            ("00001930 03 n 01 physical_entity 0 000 an entity", "expected \"|\" before the gloss, found \"an\""),
            ("00001930 03 v 01 physical_entity 0 000 | an entity", "ss_type \"v\" in the noun file"),
            ("1930 03 n 01 physical_entity 0 000 | an entity", "synset_offset \"1930\" is not 8 digits"),
            ("00001930 03 n 01 physical_entity 0 000", "the line ends before the \"|\" before the gloss"),
        ]
        for (line, reason) in cases {
            let text = header + good + line + "\n" + good
            #expect {
                try WordNet.parseDataFile(text, partOfSpeech: .noun, fileName: "data.noun")
            } throws: { error in
                guard case .malformedLine(let file, let number, let message)? = error as? WordNet.LoadError else { return false }
                return file == "data.noun" && number == 4 && message.contains(reason)
                    && "\(error)".hasPrefix("WordNet: data.noun:4: malformed line: ")
            }
        }
        let verbWithoutFrames = "00001740 29 v 01 breathe 0 000 | draw air\n"
        #expect(throws: WordNet.LoadError.malformedLine(
            file: "data.verb", line: 1, reason: "f_cnt \"|\" is not 2 digits")) {
            try WordNet.parseDataFile(verbWithoutFrames, partOfSpeech: .verb)
        }
    }

    @Test("A missing directory or file says how to install WordNet")
    func missingFiles() throws {
        let nowhere = "/nonexistent/wordnet-\(UUID().uuidString)"
        #expect(throws: WordNet.LoadError.missingDirectory(path: nowhere)) { try WordNet(directory: nowhere) }
        let directory = try WordNetFixtures.directory(omitting: "data.verb")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try WordNet(directory: directory.path)
            Issue.record("loading without data.verb should fail")
        } catch let error as WordNet.LoadError {
            #expect(error == .missingFile(path: directory.appendingPathComponent("data.verb").path))
            let message = "\(error)"
            #expect(message.contains("data.verb") && message.contains("apt-get install wordnet-base")
                    && message.contains("make setup"), "\(message)")
        }
        // Without the verb file requested, the rest loads.
        let rest = try WordNet(directory: directory.path, partsOfSpeech: [.noun, .adjective, .adverb])
        #expect(rest.synsets.count == WordNetFixtures.synsets.count - 2)
    }

    @Test("A directory: all four files, and SemCor tag counts from cntlist.rev (satellites by head word)")
    func directoryWithTagCounts() throws {
        let directory = try WordNetFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordNet = try WordNet(directory: directory.path)
        #expect(wordNet.hasTagCounts)
        #expect(wordNet.synsets.map(\.id) == WordNetFixtures.synsets.map(\.id))
        func count(_ word: String) -> Int? { wordNet.synsets.first { $0.words.first == word }?.tagCount }
        #expect(count("dog") == 43, "dog 42 + domestic_dog 1")
        #expect(count("canine") == 20)
        #expect(count("inhale") == 5)
        #expect(count("handy") == 3, "handy%5:00:00:accessible:00, not the \"convenient\" satellite's 100")
        #expect(count("accessible") == 2)
        #expect(count("entity") == 0)

        let dog = try #require(wordNet.synsets.first { $0.words.first == "dog" })
        #expect(wordNet.targets(of: dog, symbol: "@").map(\.words) == [["canine", "canid"]])
        #expect(wordNet.synset(dog.id) == dog)

        let withoutCounts = try WordNetFixtures.directory(tagCounts: false)
        defer { try? FileManager.default.removeItem(at: withoutCounts) }
        let plain = try WordNet(directory: withoutCounts.path)
        #expect(!plain.hasTagCounts && plain.synsets.allSatisfy { $0.tagCount == 0 })
    }

    @Test(
        "The installed WordNet: the noun \"dog\" is a member of the genus Canis",
        .enabled(if: WordNetFixtures.realFilesInstalled,
                 "skipped: /usr/share/wordnet is missing; install it with `sudo apt-get install wordnet-base` or `make setup`"))
    func installedWordNet() throws {
        let nouns = try #require(WordNetFixtures.realNouns)
        #expect(nouns.synsets.count == 82_115)
        #expect(nouns.hasTagCounts)
        let dog = try #require(nouns.synsets.first { $0.words.first == "dog" && $0.definition.contains("Canis") })
        #expect(dog.words == ["dog", "domestic dog", "Canis familiaris"])
        #expect(dog.examples == ["the dog barked all night"])
        #expect(dog.tagCount == 42)
        #expect(nouns.targets(of: dog, symbol: "@").flatMap(\.words).contains("canine"))
        // Every synset has words and a definition.
        #expect(nouns.synsets.allSatisfy { !$0.words.isEmpty && !$0.definition.isEmpty })
    }
}
