extension WordNet {
    struct LineError: Error {
        let reason: String
    }

    /// Reads one data line field by field (fields are separated by single spaces).
    struct LineParser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int
        let end: Int

        init(bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
            self.bytes = bytes
            self.position = start
            self.end = end
        }

        mutating func field(_ name: @autoclosure () -> String) throws -> Range<Int> {
            while position < end && bytes[position] == 0x20 { position += 1 }
            guard position < end else { throw LineError(reason: "the line ends before \(name())") }
            let start = position
            while position < end && bytes[position] != 0x20 { position += 1 }
            return start..<position
        }

        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// A field of exactly `digits` characters in `radix` (10 or 16).
        mutating func number(_ name: @autoclosure () -> String, digits: Int, radix: Int) throws -> Int {
            let range = try field(name())
            var value = 0
            for i in range {
                guard let digit = Self.digitValue(bytes[i]), digit < radix else { value = -1; break }
                value = value * radix + digit
            }
            guard value >= 0, range.count == digits else {
                let kind = radix == 16 ? "hex digit" : "digit"
                throw LineError(reason: "\(name()) \"\(string(range))\" is not \(digits) \(kind)\(digits == 1 ? "" : "s")")
            }
            return value
        }

        static func digitValue(_ byte: UInt8) -> Int? {
            switch byte {
            case 0x30...0x39: Int(byte - 0x30)
            case 0x61...0x66: Int(byte - 0x61 + 10)
            case 0x41...0x46: Int(byte - 0x41 + 10)
            default: nil
            }
        }

        static func partOfSpeech(_ byte: UInt8) -> (PartOfSpeech, satellite: Bool)? {
            switch byte {
            case UInt8(ascii: "n"): (.noun, false)
            case UInt8(ascii: "v"): (.verb, false)
            case UInt8(ascii: "a"): (.adjective, false)
            case UInt8(ascii: "s"): (.adjective, true)
            case UInt8(ascii: "r"): (.adverb, false)
            default: nil
            }
        }

        /// The synset, and its words as sense keys spell them.
        mutating func synset(partOfSpeech expected: PartOfSpeech, senses wantSenses: Bool) throws -> (Synset, [Sense]) {
            let offset = try number("synset_offset", digits: 8, radix: 10)
            let lexicographerFile = try number("lex_filenum", digits: 2, radix: 10)
            let (partOfSpeech, isSatellite) = try synsetType(expected: expected)
            let words = try parseWords(senses: wantSenses)
            let pointers = try parsePointers()
            let frames = try partOfSpeech == .verb ? parseVerbFrames() : []
            try skipGlossBar()
            let gloss = WordNet.parseGloss(UnsafeBufferPointer(rebasing: bytes[position..<end]))
            let synset = Synset(
                id: SynsetID(partOfSpeech: partOfSpeech, offset: offset), isSatellite: isSatellite,
                lexicographerFile: lexicographerFile, words: words.spoken, markers: words.markers,
                definition: gloss.definition, examples: gloss.examples, pointers: pointers, frames: frames)
            return (synset, words.senses)
        }

        /// ss_type, which must be the data file's part of speech (`s`, a satellite, is an adjective).
        private mutating func synsetType(expected: PartOfSpeech) throws -> (PartOfSpeech, satellite: Bool) {
            let typeRange = try field("ss_type")
            guard typeRange.count == 1, let (partOfSpeech, isSatellite) = Self.partOfSpeech(bytes[typeRange.lowerBound])
            else {
                throw LineError(reason: "ss_type \"\(string(typeRange))\" is not one of n, v, a, s, r")
            }
            guard partOfSpeech == expected else {
                throw LineError(reason: "ss_type \"\(string(typeRange))\" in the \(expected.rawValue) file")
            }
            return (partOfSpeech, isSatellite)
        }

        /// A synset's words: as spoken, their adjective markers, and (when asked) as sense keys spell them.
        private struct Words {
            var spoken: [String] = []
            var markers: [String?] = []
            var senses: [Sense] = []
        }

        /// `w_cnt word lex_id [word lex_id …]`.
        private mutating func parseWords(senses wantSenses: Bool) throws -> Words {
            let wordCount = try number("w_cnt", digits: 2, radix: 16)
            guard wordCount >= 1 else { throw LineError(reason: "w_cnt is 00: a synset has at least one word") }
            var words = Words()
            if wantSenses { words.senses.reserveCapacity(wordCount) }
            words.spoken.reserveCapacity(wordCount)
            words.markers.reserveCapacity(wordCount)
            for n in 1...wordCount {
                let range = try field("word \(n) of \(wordCount)")
                let lexID = try number("lex_id of word \(n)", digits: 1, radix: 16)
                let (lemma, marker) = splitMarker(range)
                words.spoken.append(spoken(lemma))
                words.markers.append(marker)
                if wantSenses { words.senses.append(Sense(lemma: lowercased(lemma), lexID: lexID)) }
            }
            return words
        }

        /// The lemma with underscores spelt as spaces.
        private func spoken(_ lemma: Range<Int>) -> String {
            String(unsafeUninitializedCapacity: lemma.count) { buffer in
                for (i, byte) in bytes[lemma].enumerated() { buffer[i] = byte == 0x5F ? 0x20 : byte }  // _ → space
                return lemma.count
            }
        }

        /// The lemma in ASCII lower case, as sense keys spell it.
        private func lowercased(_ lemma: Range<Int>) -> String {
            String(unsafeUninitializedCapacity: lemma.count) { buffer in
                for (i, byte) in bytes[lemma].enumerated() {
                    buffer[i] = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte  // A-Z → a-z
                }
                return lemma.count
            }
        }

        /// `p_cnt [symbol offset pos source/target …]`.
        private mutating func parsePointers() throws -> [Pointer] {
            let pointerCount = try number("p_cnt", digits: 3, radix: 10)
            var pointers: [Pointer] = []
            pointers.reserveCapacity(pointerCount)
            for n in 0..<pointerCount {
                let symbol = try field("pointer \(n + 1) of \(pointerCount)")
                let target = try number("offset of pointer \(n + 1)", digits: 8, radix: 10)
                let posRange = try field("pos of pointer \(n + 1)")
                guard posRange.count == 1, let (targetPOS, _) = Self.partOfSpeech(bytes[posRange.lowerBound]) else {
                    throw LineError(reason: "pos of pointer \(n + 1) \"\(string(posRange))\" is not one of n, v, a, s, r")
                }
                let words = try number("source/target of pointer \(n + 1)", digits: 4, radix: 16)
                pointers.append(Pointer(
                    symbol: string(symbol), target: SynsetID(partOfSpeech: targetPOS, offset: target),
                    sourceWord: words >> 8, targetWord: words & 0xFF))
            }
            return pointers
        }

        /// A verb's `f_cnt [+ f_num w_num …]`.
        private mutating func parseVerbFrames() throws -> [VerbFrame] {
            var frames: [VerbFrame] = []
            let frameCount = try number("f_cnt", digits: 2, radix: 10)
            for n in 0..<frameCount {
                let plus = try field("frame \(n + 1) of \(frameCount)")
                guard plus.count == 1, bytes[plus.lowerBound] == UInt8(ascii: "+") else {
                    throw LineError(reason: "frame \(n + 1) starts with \"\(string(plus))\", not \"+\"")
                }
                let number = try number("f_num of frame \(n + 1)", digits: 2, radix: 10)
                let word = try self.number("w_num of frame \(n + 1)", digits: 2, radix: 16)
                frames.append(VerbFrame(number: number, word: word))
            }
            return frames
        }

        /// The `|` that separates the fields from the gloss.
        private mutating func skipGlossBar() throws {
            let bar = try field("the \"|\" before the gloss")
            guard bar.count == 1, bytes[bar.lowerBound] == UInt8(ascii: "|") else {
                throw LineError(reason: "expected \"|\" before the gloss, found \"\(string(bar))\"")
            }
        }

        /// "ready_to_hand(p)" → "ready_to_hand" and "p"; markers are (a), (p) and (ip).
        func splitMarker(_ range: Range<Int>) -> (Range<Int>, String?) {
            guard range.count > 3, bytes[range.upperBound - 1] == UInt8(ascii: ")") else { return (range, nil) }
            for length in [3, 4] where range.count > length {
                let open = range.upperBound - length
                guard bytes[open] == UInt8(ascii: "(") else { continue }
                let marker = string((open + 1)..<(range.upperBound - 1))
                if marker == "a" || marker == "p" || marker == "ip" { return (range.lowerBound..<open, marker) }
            }
            return (range, nil)
        }
    }
}
