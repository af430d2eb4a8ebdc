import Foundation
import TextData

/// WordNet 3.0 data lines (from wordnet-base, pointer lists shortened and p_cnt adjusted) for tests that
/// must not depend on /usr/share/wordnet, and the real files when they are installed.
enum WordNetFixtures {
    /// Two header lines as the real files start, a noun with examples, one without, one whose example
    /// holds "; " inside its quotes, and a proper noun.
    static let noun = """
          1 This software and database is being provided to you, the LICENSEE, by  
          2 Princeton University under the following license.  By obtaining, using  
        00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04424418 n 0000 | that which is perceived or known or inferred to have its own distinct existence (living or nonliving)  
        00149262 04 n 02 tying 0 ligature 0 001 @ 00148078 n 0000 | loosening the ties that fasten something; "the tying of bow ties is an art; the untying is easy"  
        02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 003 @ 02083346 n 0000 @ 01317541 n 0000 #m 02083863 n 0000 | a member of the genus Canis (probably descended from the common wolf) that has been domesticated by man since prehistoric times; occurs in many breeds; "the dog barked all night"  
        02083346 05 n 02 canine 0 canid 0 001 ~ 02084071 n 0000 | any of various fissiped mammals with nonretractile claws and typically long muzzles  
        08932568 15 n 01 Paris 0 000 | the capital and largest city of France; "Paris is the city of light"  

        """

    /// A verb with three frames ("+ 02 00" …) and examples, one with semicolons only between examples.
    static let verb = """
        00005041 29 v 03 inhale 0 inspire 0 breathe_in 0 002 @ 00001740 v 0000 ! 00004227 v 0101 03 + 02 00 + 08 00 + 11 01 | draw in (air); "Inhale deeply"; "inhale the fresh mountain air"  
        00003662 29 v 01 force_out 0 001 @ 00105333 v 0000 02 + 08 00 + 11 00 | emit or cause to move with force of effort; "force out the air"; "force out the splinter"  

        """

    /// Head adjectives (one the head of "handy"), a satellite with a `(p)` word, one with `(ip)`, one with `(a)` whose gloss ends in
    /// ";", and a quotation with its attribution.
    static let adjective = """
        00001740 00 a 01 able 0 001 ! 00002098 a 0101 | (usually followed by `to') having the necessary means or skill or know-how or authority to do something; "able to swim"; "she was able to program her computer"  
        00019131 00 a 01 accessible 0 002 ! 00019874 a 0101 & 00019731 a 0000 | capable of being reached; "a town accessible by rail"  
        00019731 00 s 02 handy 0 ready_to_hand(p) 0 002 & 00019131 a 0000 + 04718999 n 0101 | easy to reach; "found a handy spot for the can opener"  
        00014358 00 s 02 abounding 0 galore(ip) 0 001 & 00013887 a 0000 | existing in abundance; "abounding confidence"; "whiskey galore"  
        00020103 00 s 02 outback(a) 0 remote 0 001 & 00019874 a 0000 | inaccessible and sparsely populated;  
        00024619 00 s 02 used_to(p) 0 wont_to(p) 0 001 & 00024417 a 0000 | in the habit; "I am used to hitchhiking"; "...was wont to complain that this is a cold world"- Henry David Thoreau  

        """

    static let adverb = """
        00002621 02 r 05 barely 0 hardly 0 just 4 scarcely 0 scarce 0 000 | only a very short time before; "they could barely hear the speaker"; "we hardly knew them"  

        """

    /// A cntlist.rev for the fixtures (made-up counts); the second "handy" is another synset, not loaded.
    static let tagCounts = """
        dog%1:05:00:: 1 42
        domestic_dog%1:05:00:: 1 1
        canine%1:05:00:: 1 20
        inhale%2:29:00:: 1 5
        handy%5:00:00:accessible:00 1 3
        handy%5:00:00:convenient:00 2 100
        accessible%3:00:00:: 1 2

        """

    static let files: [(WordNet.PartOfSpeech, String)] = [
        (.noun, noun), (.verb, verb), (.adjective, adjective), (.adverb, adverb),
    ]

    /// The fixtures parsed (no tag counts).
    static let synsets: [WordNet.Synset] = files.flatMap { partOfSpeech, text in
        try! WordNet.parseDataFile(text, partOfSpeech: partOfSpeech)
    }

    static let wordNet = WordNet(synsets: synsets)

    /// A directory with the fixture files, laid out as /usr/share/wordnet; the caller removes it.
    static func directory(omitting omitted: String? = nil, tagCounts: Bool = true) throws -> URL {
        let url = try TokenizerFixtures.temporaryDirectory("wordnet")
        for (partOfSpeech, text) in files where partOfSpeech.dataFileName != omitted {
            try text.write(to: url.appendingPathComponent(partOfSpeech.dataFileName), atomically: true, encoding: .utf8)
        }
        if tagCounts {
            try self.tagCounts.write(to: url.appendingPathComponent("cntlist.rev"), atomically: true, encoding: .utf8)
        }
        return url
    }

    /// Whether Debian's wordnet-base is installed here.
    static let realFilesInstalled = FileManager.default.fileExists(atPath: WordNet.defaultDirectory + "/data.noun")

    /// The nouns of the installed WordNet (the largest file; enough to find "dog"), read once.
    static let realNouns: WordNet? = realFilesInstalled ? try? WordNet(partsOfSpeech: [.noun]) : nil
}
