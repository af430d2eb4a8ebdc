import Foundation
import Testing
@testable import Experiments

@Suite("Randomly mutated experiment files")
struct ExperimentFileMutationTests {
    /// Valid files to start from: the specification's, and a small one with every kind of value.
    static let seeds = [
        alphaRankFile,
        experiment("""
            base = "results/base"
            dataset = "lima"
            metric = "heldout-loss"
            [defaults]
            dropout = 0.1
            rslora = true
            quantization = "nf4-dq"
            optimizer = "sgd"
            schedule = "linear"
            lr = "1e-3 * rank / 8"
            batch = 4
            micro_batch = 2
            clip = 1.0
            weight_decay = 0.01
            max_length = 128
            train_examples = 64
            eval_limit = 10
            [grid]
            rank = [2, 4, 8]
            alpha = ["rank", "rank * rank / (rank - 1)"]
            targets = [["q", "v"], ["all"]]
            seeds = [1, 2]
            [[exclude]]
            rank = 2
            [check]
            reproduce_seed = 2
            [check.max_spread]
            heldout-loss = 0.1

            """),
    ]

    /// Values that probe the checks' edges: overflow, non-finite numbers, empty things, wrong types.
    static let replacements = [
        "0", "-1", "1", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e308", "-1e308",
        "5e-324", "inf", "-inf", "nan", "0.5", "1.0", "true", "\"\"", "\"rank / 0\"", "\"rank * 9223372036854775807\"",
        "\"alpha\"", "\"((((rank\"", "[]", "[[]]", "{}", "\"../../x\"", "\"all\"", "[\"q\", \"q\"]", "1979-05-27",
    ]

    /// One to four edits: flip a bit, write a TOML-ish byte, insert or delete one, truncate, copy a run of
    /// bytes elsewhere, or swap a value after `=` (or an array element) for one of `replacements`.
    static func mutate(_ text: String, using random: inout SplitMix64) -> [UInt8] {
        var bytes = Array(text.utf8)
        let tomlish = Array("[]{}\"',=.#\n 0123456789-+e_".utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[position] = tomlish.randomElement(using: &random)!
            case 2: bytes.insert(tomlish.randomElement(using: &random)!, at: position)
            case 3: bytes.remove(at: position)
            case 4: bytes.removeSubrange(position...)
            case 5:
                let length = Int.random(in: 1...24, using: &random)
                let source = Int.random(in: 0..<bytes.count, using: &random)
                let run = Array(bytes[source..<min(source + length, bytes.count)])
                bytes.insert(contentsOf: run, at: position)
            default:
                // The value after the next '=' or ',' or '[': up to the next ',', ']' or newline.
                let starts = Set("=,[".utf8)
                let ends = Set(",]\n".utf8)
                guard let start = bytes[position...].firstIndex(where: starts.contains) else { continue }
                var from = start + 1
                while from < bytes.count, bytes[from] == UInt8(ascii: " ") { from += 1 }
                let to = bytes[from...].firstIndex(where: ends.contains) ?? bytes.count
                bytes.replaceSubrange(from..<to, with: Array(replacements.randomElement(using: &random)!.utf8))
            }
        }
        return bytes
    }

    @Test("500 mutated files either plan or throw an error that names the file, never crash")
    func randomMutations() {
        var random = SplitMix64(state: 0xE4BE_F11E)
        var (planned, rejected) = (0, 0)
        var messages = Set<String>()
        for iteration in 0..<500 {
            let source = String(decoding: Self.mutate(Self.seeds[iteration % Self.seeds.count], using: &random), as: UTF8.self)
            do {
                let file = try ExperimentFile.parse(source: source, path: "fuzz.toml")
                let plan = try ExperimentPlan(file: file, fingerprint: fingerprint)
                #expect(!plan.runs.isEmpty && plan.runs.count <= 500)
                for run in plan.runs { #expect(run.run.configuration.rank >= 1 && run.run.configuration.lr > 0) }
                _ = plan.json
                planned += 1
            } catch {
                #expect(error.description.hasPrefix("fuzz.toml"), "iteration \(iteration): \(error.description)")
                #expect(!error.message.isEmpty, "iteration \(iteration): \(error.description)")
                messages.insert(String(error.message.prefix(24)))
                rejected += 1
            }
        }
        // Both outcomes occur, and the rejections are of many kinds, not one early check failing every time.
        #expect(planned > 20 && rejected > 200 && messages.count > 30, "planned \(planned), rejected \(rejected), \(messages.count) kinds")
    }
}

/// SplitMix64: a seeded generator, so the mutations are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
