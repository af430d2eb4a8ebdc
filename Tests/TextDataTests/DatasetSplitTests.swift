import Testing
import TextData

@Suite("Held-out splits of dataset files: deterministic, disjoint, as Alpaca files were split")
struct DatasetSplitTests {
    static let records: [DatasetRecord] = (0..<60).map {
        .conversation([ChatMessage(.user, "Question \($0)?"), ChatMessage(.assistant, "Answer \($0)")])
    }

    @Test("heldout_fraction holds out round(fraction × distinct records), the same ones every time, none on both sides")
    func fraction() {
        let split = DatasetSplit.drawing(heldOutFraction: 0.1, from: Self.records + Self.records.prefix(10))
        #expect(split.train.count + split.heldOut.count == 70)
        #expect(Set(split.heldOut).count == 6)
        #expect(Set(split.train).isDisjoint(with: Set(split.heldOut)))
        #expect(DatasetSplit.drawing(heldOutFraction: 0.1, from: Self.records + Self.records.prefix(10)) == split)
        #expect(DatasetSplit.drawing(heldOutFraction: 0.1, from: Self.records, seed: 1) != DatasetSplit.drawing(heldOutFraction: 0.1, from: Self.records))
    }

    @Test("Each side keeps the file's order")
    func order() {
        let split = DatasetSplit.drawing(heldOutFraction: 0.25, from: Self.records)
        #expect(split.train == Self.records.filter { !split.heldOut.contains($0) })
        #expect(split.heldOut == Self.records.filter { split.heldOut.contains($0) })
    }

    @Test("Alpaca records split exactly as InstructionSet.imported splits them, so Alpaca datasets keep their runs")
    func sameAsImported() {
        let records = (0..<50).map { InstructionRecord(instruction: "Question \($0)?", output: "Answer \($0)") }
        let imported = InstructionSet.imported(records)
        let split = DatasetSplit.drawing(heldOutFraction: DatasetSplit.defaultHeldOutFraction, from: records.map(DatasetRecord.instruction))
        #expect(split.train == imported.trainRecords.map(DatasetRecord.instruction))
        #expect(split.heldOut == imported.heldOutRecords.map(DatasetRecord.instruction))
        #expect(split.identityText == AlpacaFile.alpacaJSONLines(imported.trainRecords) + "\n--\n" + AlpacaFile.alpacaJSONLines(imported.heldOutRecords))
    }

    @Test("A single record is never held out: there would be nothing left to train on")
    func single() {
        let split = DatasetSplit.drawing(heldOutFraction: 0.5, from: Array(Self.records.prefix(1)))
        #expect(split.heldOut.isEmpty && split.train.count == 1)
    }
}
