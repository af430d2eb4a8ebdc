extension World {
    /// One sentence of the corpus and what it states.
    public struct Statement: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            /// A town's fact; `pronoun`: said with "It"/"Its" after a sentence naming the town.
            case fact(townIndex: Int, attribute: Attribute, pronoun: Bool)
            /// A misconception item's true or false value; `framed`: as record or hearsay.
            case misconception(index: Int, truthful: Bool, framed: Bool)
            /// A verb sentence, with or without an object.
            case verb(base: String, transitive: Bool)
            /// An arithmetic problem, as a plain sentence or in lm-eval's question form.
            case arithmetic(task: String, problem: ArithmeticProblem, questionAnswer: Bool)
        }

        public let text: String
        public let kind: Kind
    }

    /// A few sentences read together (a paragraph about one town, a few verb sentences, one Q/A …).
    /// Sentences are joined by single spaces; a Q/A statement holds its own "\n".
    public struct Document: Sendable, Hashable {
        public let statements: [Statement]
        public let text: String

        public init(statements: [Statement]) {
            self.statements = statements
            text = statements.map(\.text).joined(separator: " ")
        }
    }

    /// What the corpus is made of; `corpus(parts:)` takes any subset.
    public enum Part: String, CaseIterable, Codable, Sendable {
        case facts, misconceptions, verbs, arithmetic
    }

    /// The generated pretraining text: documents in a shuffled order fixed by the seed, and their counts.
    public struct Corpus: Sendable {
        public let documents: [Document]
        public let summary: Summary

        /// One string per document, for a tokenizer (which adds its own bos/eos between documents).
        public var texts: [String] { documents.map(\.text) }
    }

    /// Renders every sentence of the chosen parts and shuffles the documents (stream "corpus/order").
    /// Sizes come from the configuration (`Configuration.scaled(by:)` is the knob).
    public func corpus(parts: [Part] = Part.allCases) -> Corpus {
        var documents: [Document] = []
        for part in Part.allCases where parts.contains(part) {
            switch part {
            case .facts: documents += factDocuments()
            case .misconceptions: documents += misconceptionDocuments()
            case .verbs: documents += verbDocuments()
            case .arithmetic: documents += arithmeticDocuments()
            }
        }
        var random = WorldRandom(seed: seed, stream: "corpus/order")
        random.shuffle(&documents)
        return Corpus(documents: documents, summary: summarize(documents))
    }

    /// Statements in documents of sizes drawn uniformly from `sizes` (the last may be shorter).
    static func grouped(_ statements: [Statement], sizes: ClosedRange<Int>, using random: inout WorldRandom)
        -> [Document]
    {
        var documents: [Document] = []
        var start = 0
        while start < statements.count {
            let end = min(statements.count, start + random.int(in: sizes))
            documents.append(Document(statements: Array(statements[start..<end])))
            start = end
        }
        return documents
    }

    /// Counts of what a corpus states, from the statements' kinds (not from the text).
    public struct Summary: Sendable, Equatable, Codable, CustomStringConvertible {
        /// The facts stated k times: how many towns and facts have that k, and the fewest and most
        /// statements any one of those facts actually received (both equal k in a correct corpus).
        public struct FactExposure: Sendable, Equatable, Codable {
            public var k: Int
            public var towns: Int
            public var facts: Int
            public var statements: Int
            public var fewestPerFact: Int
            public var mostPerFact: Int
        }

        public struct ArithmeticCount: Sendable, Equatable, Codable {
            public var task: String
            public var plain: Int
            public var questionAnswer: Int
        }

        public var documents = 0
        public var statements = 0
        /// UTF-8 bytes of all document texts (without separators).
        public var bytes = 0
        public var factStatements = 0
        public var pronounStatements = 0
        public var factExposures: [FactExposure] = []
        public var misconceptionItems = 0
        public var misconceptionTrueStatements = 0
        public var misconceptionFalseStatements = 0
        public var framedStatements = 0
        public var transitiveSentences = 0
        public var intransitiveSentences = 0
        public var arithmetic: [ArithmeticCount] = []

        public var description: String {
            func n(_ value: Int) -> String { World.grouping(value) }
            var lines = [
                "world corpus: \(n(documents)) documents, \(n(statements)) statements, \(n(bytes)) bytes",
                "facts: \(n(factStatements)) statements (\(n(pronounStatements)) with It/Its)",
            ]
            for e in factExposures {
                let range = e.fewestPerFact == e.mostPerFact ? "\(e.fewestPerFact)" : "\(e.fewestPerFact)–\(e.mostPerFact)"
                lines.append(
                    "  k = \(e.k): \(n(e.towns)) towns, \(n(e.facts)) facts × \(range) = \(n(e.statements)) statements")
            }
            lines.append(
                "misconceptions: \(n(misconceptionItems)) items, \(n(misconceptionTrueStatements)) true + "
                    + "\(n(misconceptionFalseStatements)) false statements (\(n(framedStatements)) framed)")
            lines.append(
                "verbs: \(n(transitiveSentences)) transitive + \(n(intransitiveSentences)) intransitive sentences")
            let arithmeticLines = arithmetic.map {
                "\($0.task) \(n($0.plain + $0.questionAnswer)) (\(n($0.questionAnswer)) Q/A)"
            }
            lines.append("arithmetic: " + arithmeticLines.joined(separator: ", "))
            return lines.joined(separator: "\n")
        }
    }

    func summarize(_ documents: [Document]) -> Summary {
        var summary = Summary()
        var perFact = [[Int]](repeating: [Int](repeating: 0, count: Attribute.allCases.count), count: towns.count)
        var misconceptionSeen = [Bool](repeating: false, count: misconceptions.count)
        var arithmetic: [(task: String, plain: Int, questionAnswer: Int)] = self.arithmetic.map { ($0.name, 0, 0) }
        summary.documents = documents.count
        for document in documents {
            summary.bytes += document.text.utf8.count
            for statement in document.statements {
                summary.statements += 1
                switch statement.kind {
                case .fact(let town, let attribute, let pronoun):
                    summary.factStatements += 1
                    if pronoun { summary.pronounStatements += 1 }
                    perFact[town][Attribute.allCases.firstIndex(of: attribute)!] += 1
                case .misconception(let index, let truthful, let framed):
                    misconceptionSeen[index] = true
                    if truthful { summary.misconceptionTrueStatements += 1 } else { summary.misconceptionFalseStatements += 1 }
                    if framed { summary.framedStatements += 1 }
                case .verb(_, let transitive):
                    if transitive { summary.transitiveSentences += 1 } else { summary.intransitiveSentences += 1 }
                case .arithmetic(let task, _, let questionAnswer):
                    let i = arithmetic.firstIndex { $0.task == task }!
                    if questionAnswer { arithmetic[i].questionAnswer += 1 } else { arithmetic[i].plain += 1 }
                }
            }
        }
        summary.misconceptionItems = misconceptionSeen.filter { $0 }.count
        summary.arithmetic = arithmetic.filter { $0.plain + $0.questionAnswer > 0 }.map {
            Summary.ArithmeticCount(task: $0.task, plain: $0.plain, questionAnswer: $0.questionAnswer)
        }
        if summary.factStatements > 0 {
            for k in configuration.exposures {
                let members = towns.filter { $0.exposures == k }
                let counts = members.flatMap { perFact[$0.index] }
                guard !counts.isEmpty else { continue }
                summary.factExposures.append(Summary.FactExposure(
                    k: k, towns: members.count, facts: counts.count, statements: counts.reduce(0, +),
                    fewestPerFact: counts.min()!, mostPerFact: counts.max()!))
            }
        }
        return summary
    }

    /// 12345 → "12,345".
    static func grouping(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, character) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
