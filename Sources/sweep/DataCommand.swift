import ArgumentParser
import Foundation
import Sweeps
import TextData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Write a built-in instruction set (alpaca or lima) as Alpaca JSON or JSON Lines.",
        discussion: """
            The sets are generated from the world of --seed (use the base model's) and WordNet's \
            definitions: definitions, questions on the instruction towns' facts, grammar and a little \
            arithmetic. The training and held-out splits are disjoint. `sweep finetune --data` reads \
            the files back through Lit-GPT's Alpaca prompt.

              sweep data alpaca --out data/alpaca.json
              sweep data alpaca --split heldout --format jsonl \\
                --out data/alpaca-heldout.jsonl
            """)

    @Argument(help: "alpaca or lima.") var set: InstructionSet.Builtin
    @Option(help: "File to write.") var out: String
    @Option(help: "train or heldout.") var split: Split = .train
    @Option(help: "json (one array) or jsonl (one object per line).") var format: AlpacaFile.Format = .json
    @Option(help: "Seed of the world the examples come from.") var seed: UInt64 = 1

    enum Split: String, CaseIterable, ExpressibleByArgument { case train, heldout }

    func run() throws {
        let instructions: InstructionSet
        do {
            instructions = try InstructionSet.builtin(set, world: World(seed: seed))
        } catch let error as CustomStringConvertible {
            throw CommandError(error.description)
        }
        let records = split == .train ? instructions.trainRecords : instructions.heldOutRecords
        do {
            try AlpacaFile.write(records, format: format, to: URL(fileURLWithPath: out))
        } catch {
            throw CommandError(error.description)
        }
        let counts = InstructionSet.counts(split == .train ? instructions.train : instructions.heldOut)
            .map { "\($0.exercise.rawValue) \($0.count)" }.joined(separator: ", ")
        printProgress("wrote \(records.count) \(set.rawValue) \(split.rawValue) examples to \(out) (\(counts))")
    }
}

extension InstructionSet.Builtin: ExpressibleByArgument {}
extension AlpacaFile.Format: ExpressibleByArgument {}
