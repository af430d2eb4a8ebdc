/// A compiled pattern: instructions for a backtracking matcher that tries alternatives in order, the
/// first success wins (Perl and Oniguruma semantics, not POSIX leftmost-longest).
///
/// Atomic groups, possessive quantifiers and lookaheads run a sub-program to its first success; the main
/// program then continues after it (atomic) or where it was (lookahead), never revisiting its choices.
/// Russ Cox, "Regular Expression Matching: the Virtual Machine Approach" (2009), for the instruction set.
struct PatternProgram: Sendable {
    enum Instruction: Sendable {
        case scalar(UInt32)
        case set(Int)
        case anyButNewline
        /// Go on at the first target; on failure, come back and go on at the second.
        case split(Int, Int)
        case jump(Int)
        case atomic(Int)
        case lookahead(Int, negative: Bool)
        case anchor(PatternNode.Anchor)
        case match
    }

    /// programs[0] is the whole pattern; the others are atomic and lookahead bodies.
    private(set) var programs: [[Instruction]] = []
    private(set) var sets: [ScalarSet] = []

    init(_ node: PatternNode) {
        programs.append([])
        var main: [Instruction] = []
        emit(node, into: &main)
        main.append(.match)
        programs[0] = main
    }

    // MARK: - Compiling

    private mutating func emit(_ node: PatternNode, into code: inout [Instruction]) {
        switch node {
        case .empty:
            break
        case .scalar(let scalar):
            code.append(.scalar(scalar.value))
        case .set(let set):
            sets.append(set)
            code.append(.set(sets.count - 1))
        case .anyButNewline:
            code.append(.anyButNewline)
        case .anchor(let anchor):
            code.append(.anchor(anchor))
        case .sequence(let nodes):
            for node in nodes { emit(node, into: &code) }
        case .alternation(let branches):
            var jumpsToEnd: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index + 1 < branches.count {
                    let split = code.count
                    code.append(.split(split + 1, -1))
                    emit(branch, into: &code)
                    jumpsToEnd.append(code.count)
                    code.append(.jump(-1))
                    code[split] = .split(split + 1, code.count)
                } else {
                    emit(branch, into: &code)
                }
            }
            for jump in jumpsToEnd { code[jump] = .jump(code.count) }
        case .repetition(let body, let min, let max, .possessive):
            emit(.atomic(.repetition(body, min: min, max: max, kind: .greedy)), into: &code)
        case .repetition(let body, let min, let max, let kind):
            for _ in 0..<min { emit(body, into: &code) }
            if let max {
                emitOptionals(body, count: max - min, greedy: kind == .greedy, into: &code)
            } else {
                emitStar(body, greedy: kind == .greedy, into: &code)
            }
        case .atomic(let body):
            code.append(.atomic(subprogram(body)))
        case .lookahead(let body, let negative):
            code.append(.lookahead(subprogram(body), negative: negative))
        }
    }

    /// `x*`: try the body again and again, or (lazy) leave first.
    private mutating func emitStar(_ body: PatternNode, greedy: Bool, into code: inout [Instruction]) {
        let loop = code.count
        code.append(.split(-1, -1))
        emit(body, into: &code)
        code.append(.jump(loop))
        code[loop] = greedy ? .split(loop + 1, code.count) : .split(code.count, loop + 1)
    }

    /// `count` nested optional copies, `(x(x(x)?)?)?`: the upper part of `x{n,m}`.
    private mutating func emitOptionals(_ body: PatternNode, count: Int, greedy: Bool, into code: inout [Instruction]) {
        var splits: [Int] = []
        for _ in 0..<count {
            splits.append(code.count)
            code.append(.split(-1, -1))
            emit(body, into: &code)
        }
        for split in splits {
            code[split] = greedy ? .split(split + 1, code.count) : .split(code.count, split + 1)
        }
    }

    private mutating func subprogram(_ body: PatternNode) -> Int {
        let index = programs.count
        programs.append([])
        var code: [Instruction] = []
        emit(body, into: &code)
        code.append(.match)
        programs[index] = code
        return index
    }

    // MARK: - Matching

    /// The end of the first match of program `index` starting at `start`, or nil. `stack` is scratch space
    /// shared by nested runs; it is left as it was found.
    func run(_ index: Int, _ text: UnsafeBufferPointer<Unicode.Scalar>, at start: Int,
             stack: inout [(pc: Int, position: Int)]) -> Int? {
        let code = programs[index]
        let base = stack.count
        defer { stack.removeSubrange(base...) }
        var pc = 0
        var position = start
        while true {
            var advanced: Bool
            switch code[pc] {
            case .scalar(let value):
                advanced = position < text.count && text[position].value == value
                if advanced { position += 1; pc += 1 }
            case .set(let set):
                advanced = position < text.count && sets[set].contains(text[position])
                if advanced { position += 1; pc += 1 }
            case .anyButNewline:
                advanced = position < text.count && text[position] != "\n"
                if advanced { position += 1; pc += 1 }
            case .split(let first, let second):
                stack.append((second, position))
                pc = first
                advanced = true
            case .jump(let target):
                pc = target
                advanced = true
            case .atomic(let body):
                if let end = run(body, text, at: position, stack: &stack) {
                    position = end
                    pc += 1
                    advanced = true
                } else {
                    advanced = false
                }
            case .lookahead(let body, let negative):
                advanced = (run(body, text, at: position, stack: &stack) != nil) != negative
                if advanced { pc += 1 }
            case .anchor(let anchor):
                advanced = holds(anchor, text, at: position)
                if advanced { pc += 1 }
            case .match:
                return position
            }
            if !advanced {
                guard stack.count > base, let (retryPC, retryPosition) = stack.popLast() else { return nil }
                pc = retryPC
                position = retryPosition
            }
        }
    }

    private func holds(_ anchor: PatternNode.Anchor, _ text: UnsafeBufferPointer<Unicode.Scalar>, at position: Int) -> Bool {
        switch anchor {
        case .textStart: position == 0
        case .textEnd: position == text.count
        case .lineStart: position == 0 || text[position - 1] == "\n"
        case .lineEnd: position == text.count || text[position] == "\n"
        }
    }
}
