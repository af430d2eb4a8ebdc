/// A dataset's records for training and for the held-out loss.
public struct DatasetSplit: Sendable, Equatable {
    public var train: [DatasetRecord]
    public var heldOut: [DatasetRecord]

    public init(train: [DatasetRecord], heldOut: [DatasetRecord]) {
        self.train = train
        self.heldOut = heldOut
    }

    /// The default share held out of a dataset file without a held-out file of its own.
    public static let defaultHeldOutFraction = 0.05

    /// `records` split as `InstructionSet.imported` splits Alpaca records: `round(fraction × distinct
    /// records)` distinct records (at least one when there are two or more) are held out, drawn by
    /// `seed` alone, so every run of a dataset is scored on the same records; copies of a record stay
    /// together, so none is on both sides. Order within each side is the file's.
    public static func drawing(heldOutFraction fraction: Double, from records: [DatasetRecord], seed: UInt64 = 0) -> DatasetSplit {
        let held = heldOutMask(records, fraction: fraction, seed: seed)
        return DatasetSplit(train: zip(records, held).filter { !$0.1 }.map(\.0),
                            heldOut: zip(records, held).filter { $0.1 }.map(\.0))
    }

    /// Which of `records` are held out: the draw of `drawing(heldOutFraction:from:seed:)` for any kind of record.
    static func heldOutMask<Record: Hashable>(_ records: [Record], fraction: Double, seed: UInt64) -> [Bool] {
        precondition((0..<1).contains(fraction), "a held-out fraction is a share in [0, 1), got \(fraction)")
        var firstIndex: [Record: Int] = [:]
        var distinct: [String] = []
        for (index, record) in records.enumerated() where firstIndex[record] == nil {
            firstIndex[record] = index
            distinct.append(InstructionSet.Source.imported(index: index).splitKey)
        }
        var random = WorldRandom(seed: seed, stream: "instructions/imported/split")
        let held = InstructionSources.heldOutKeys(strata: [distinct], fraction: fraction, using: &random)
        return records.map { held.contains(InstructionSet.Source.imported(index: firstIndex[$0]!).splitKey) }
    }

    /// The records as the dataset's hash reads them: the training records' JSON lines, a `--` line,
    /// the held-out ones'. For Alpaca records it is the text Alpaca datasets were always hashed by.
    public var identityText: String {
        func lines(_ records: [DatasetRecord]) -> String { records.map { $0.jsonLine + "\n" }.joined() }
        return lines(train) + "\n--\n" + lines(heldOut)
    }
}
