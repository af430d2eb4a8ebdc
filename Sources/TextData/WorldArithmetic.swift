extension World {
    /// One addition or subtraction problem; both operands have the task's number of digits and a
    /// difference is never negative.
    public struct ArithmeticProblem: Sendable, Hashable, Codable {
        public enum Operation: String, Codable, Sendable, CaseIterable {
            case plus, minus
        }

        public let lhs: Int
        public let operation: Operation
        public let rhs: Int

        public init(_ lhs: Int, _ operation: Operation, _ rhs: Int) {
            self.lhs = lhs
            self.operation = operation
            self.rhs = rhs
        }

        public var answer: Int { operation == .plus ? lhs + rhs : lhs - rhs }

        /// lm-evaluation-harness's context, exactly: "Question: What is 59 minus 38?\nAnswer:".
        public var question: String { "Question: What is \(lhs) \(operation.rawValue) \(rhs)?\nAnswer:" }
        /// lm-evaluation-harness's target, exactly: " 21" (the space belongs to the target).
        public var completion: String { " \(answer)" }
        /// The two together, as the corpus states a problem in question form.
        public var questionAnswer: String { question + completion }

        /// The three numbers of `lhs op rhs = answer`, sorted: 59 − 38 = 21, 59 − 21 = 38 and 21 + 38 = 59
        /// share {21, 38, 59}. A held-out problem keeps all problems of its triple out of the corpus.
        public var triple: [Int] { [lhs, rhs, answer].sorted() }
    }

    /// An lm-eval arithmetic task: "2ds" (2-digit subtraction), "2da", "4ds", "4da" (or "3ds", "3da" … with
    /// `Configuration.hardArithmeticDigits`). `stated` problems are in
    /// the corpus, once each; `heldOut` problems are not, nor is any problem with the same three numbers.
    public struct ArithmeticTask: Sendable, Hashable, Codable {
        public let name: String
        public let digits: Int
        public let operation: ArithmeticProblem.Operation
        public let stated: [ArithmeticProblem]
        public let heldOut: [ArithmeticProblem]
    }

    /// Plain sentences stating a problem ({a} op {b} = {c}); the rest are in question form.
    public static func plainArithmeticTemplates(_ operation: ArithmeticProblem.Operation) -> [String] {
        switch operation {
        case .minus:
            return [
                "{a} minus {b} is {c}.", "{a} - {b} = {c}.", "If you take {b} from {a}, you get {c}.",
                "The difference between {a} and {b} is {c}.", "{a} minus {b} equals {c}.",
            ]
        case .plus:
            return [
                "{a} plus {b} is {c}.", "{a} + {b} = {c}.", "The sum of {a} and {b} is {c}.",
                "Adding {a} and {b} gives {c}.", "{a} plus {b} equals {c}.",
            ]
        }
    }

    /// 10...99 for two digits, 1000...9999 for four.
    static func operandRange(digits: Int) -> ClosedRange<Int> {
        var low = 1
        for _ in 1..<digits { low *= 10 }
        return low...(low * 10 - 1)
    }

    /// How many problems exist (capped at 100,000 beyond two digits, which is plenty).
    static func problemSpace(digits: Int, operation: ArithmeticProblem.Operation) -> Int {
        let n = operandRange(digits: digits).count
        guard digits == 2 else { return 100_000 }
        return operation == .plus ? n * n : n * (n + 1) / 2
    }

    static func makeArithmetic(seed: UInt64, configuration c: Configuration) -> [ArithmeticTask] {
        var random = WorldRandom(seed: seed, stream: "arithmetic")
        let hard = c.hardArithmeticDigits
        let specs: [(name: String, digits: Int, operation: ArithmeticProblem.Operation, stated: Int)] = [
            ("2ds", 2, .minus, c.twoDigitSubtractions), ("2da", 2, .plus, c.twoDigitAdditions),
            ("\(hard)ds", hard, .minus, c.fourDigitSubtractions), ("\(hard)da", hard, .plus, c.fourDigitAdditions),
        ]
        // Each task draws from its own candidate stream: the whole shuffled space for two digits,
        // fresh random draws for four.
        let candidates: [[ArithmeticProblem]] = specs.map { spec in
            guard spec.digits == 2 else { return [] }
            let range = operandRange(digits: 2)
            var all: [ArithmeticProblem] = []
            for a in range {
                for b in range where spec.operation == .plus || a >= b { all.append(ArithmeticProblem(a, spec.operation, b)) }
            }
            return random.shuffled(all)
        }
        var cursor = [Int](repeating: 0, count: specs.count)
        var used = Set<ArithmeticProblem>()
        func draw(_ task: Int) -> ArithmeticProblem {
            let spec = specs[task]
            if spec.digits == 2 {
                precondition(cursor[task] < candidates[task].count, "ran out of \(spec.name) problems")
                defer { cursor[task] += 1 }
                return candidates[task][cursor[task]]
            }
            let range = operandRange(digits: spec.digits)
            let a = random.int(in: range)
            let b = random.int(in: range)
            return spec.operation == .plus ? ArithmeticProblem(a, .plus, b) : ArithmeticProblem(max(a, b), .minus, min(a, b))
        }

        var heldOut = [[ArithmeticProblem]](repeating: [], count: specs.count)
        var blocked = Set<[Int]>()
        for task in specs.indices {
            while heldOut[task].count < c.heldOutProblems {
                let problem = draw(task)
                if used.contains(problem) { continue }
                used.insert(problem)
                heldOut[task].append(problem)
                blocked.insert(problem.triple)
            }
        }
        var stated = [[ArithmeticProblem]](repeating: [], count: specs.count)
        for task in specs.indices {
            while stated[task].count < specs[task].stated {
                let problem = draw(task)
                if used.contains(problem) || blocked.contains(problem.triple) { continue }
                used.insert(problem)
                stated[task].append(problem)
            }
        }
        return specs.indices.map { task in
            ArithmeticTask(
                name: specs[task].name, digits: specs[task].digits, operation: specs[task].operation,
                stated: stated[task], heldOut: heldOut[task])
        }
    }

    /// Each stated problem `arithmeticRepeats` times (once by default): in each repetition,
    /// round(questionAnswerFraction × n) problems per task as one-problem documents in lm-eval's question
    /// form (repetition r takes the window after repetition r − 1's, so a problem changes form), the rest as
    /// plain sentences cycling through the templates, shuffled into documents of 1–3 sentences.
    func arithmeticDocuments() -> [Document] {
        var random = WorldRandom(seed: seed, stream: "corpus/arithmetic")
        var documents: [Document] = []
        var plain: [Statement] = []
        for task in arithmetic {
            let questionCount = Int((Double(task.stated.count) * configuration.questionAnswerFraction).rounded())
            let templates = random.shuffled(World.plainArithmeticTemplates(task.operation))
            for repetition in 0..<configuration.arithmeticRepeats {
            for (i, problem) in task.stated.enumerated() {
                // Repetition r states the next window of problems in question form.
                if (i + repetition * questionCount) % max(task.stated.count, 1) < questionCount {
                    documents.append(Document(statements: [
                        Statement(
                            text: problem.questionAnswer,
                            kind: .arithmetic(task: task.name, problem: problem, questionAnswer: true))
                    ]))
                } else {
                    let text = templates[(i + repetition) % templates.count]
                        .replacing("{a}", with: String(problem.lhs)).replacing("{b}", with: String(problem.rhs))
                        .replacing("{c}", with: String(problem.answer))
                    plain.append(Statement(
                        text: text, kind: .arithmetic(task: task.name, problem: problem, questionAnswer: false)))
                }
            }
            }
        }
        random.shuffle(&plain)
        return documents + World.grouped(plain, sizes: 1...3, using: &random)
    }
}
