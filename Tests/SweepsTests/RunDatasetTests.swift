import Experiments
import Foundation
import Testing
import TextData
@testable import Sweeps

/// A scratch directory with an experiment file's neighbourhood: data files beside it and below it.
struct DataDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("run-dataset-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: url.appendingPathComponent("data"), withIntermediateDirectories: true) }

    @discardableResult
    func write(_ name: String, _ lines: [String]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

private func chatLine(_ index: Int) -> String {
    "{\"messages\": [{\"role\": \"user\", \"content\": \"Question \(index)?\"}, {\"role\": \"assistant\", \"content\": \"Answer \(index)\"}]}"
}

private let world = World(seed: 1)

@Suite("Run datasets: relative paths, held-out files and fractions, templates checked, hashes")
struct RunDatasetTests {
    func load(_ dataset: String, heldout: String? = nil, fraction: Double? = nil, templates: [ConversationTemplate] = [ConversationTemplate(.chatml)],
              from directory: DataDirectory) throws -> RunDataset {
        try RunDataset.load(dataset: dataset, heldout: heldout, heldoutFraction: fraction, templates: templates, world: world,
                            dataDirectory: directory.url.path)
    }

    @Test("A relative path resolves from the experiment file's directory; an absolute one is as written")
    func relativePaths() throws {
        let directory = try DataDirectory()
        defer { directory.remove() }
        let absolute = try directory.write("data/chat.jsonl", (0..<20).map(chatLine))
        #expect(DataPath.resolve("data/chat.jsonl", from: directory.url.path) == absolute)
        #expect(DataPath.resolve("../\(directory.url.lastPathComponent)/data/chat.jsonl", from: directory.url.path) == absolute)
        #expect(DataPath.resolve(absolute, from: "/elsewhere") == absolute)
        #expect(DataPath.resolve("data/chat.jsonl", from: nil) == "data/chat.jsonl")
        #expect(DataPath.directory(ofExperimentFile: directory.url.appendingPathComponent("study.toml").path) == directory.url.path)
        #expect(try load("data/chat.jsonl", from: directory).split.train.count == 19)
    }

    @Test("A path found only from the current directory still resolves there, as it did before")
    func currentDirectoryFallback() throws {
        let directory = try DataDirectory()
        defer { directory.remove() }
        #expect(DataPath.resolve("Package.swift", from: directory.url.path) == "Package.swift")
        #expect(DataPath.resolve("no-such.jsonl", from: directory.url.path) == directory.url.appendingPathComponent("no-such.jsonl").path)
    }

    @Test("A missing file is a problem of its key, naming where it was looked for")
    func missing() throws {
        let directory = try DataDirectory()
        defer { directory.remove() }
        do {
            _ = try load("data/none.jsonl", from: directory)
            Issue.record("a missing dataset loaded")
        } catch let problem as RunDataset.Problem {
            #expect(problem.key == "dataset")
            #expect(problem.description == "dataset data/none.jsonl: no such file (looked for \(directory.url.path)/data/none.jsonl), and not a built-in set (alpaca, lima)")
        }
        try directory.write("train.jsonl", (0..<4).map(chatLine))
        #expect(throws: RunDataset.Problem.self) { try load("train.jsonl", heldout: "dev.jsonl", from: directory) }
    }

    @Test("heldout names a second file, of any layout, that is held out whole; the dataset is trained on whole")
    func heldoutFile() throws {
        let directory = try DataDirectory()
        defer { directory.remove() }
        try directory.write("train.jsonl", (0..<10).map(chatLine))
        try directory.write("data/dev.jsonl", ["{\"prompt\": \"Question 99?\", \"completion\": \"Answer 99\"}"])
        let dataset = try load("train.jsonl", heldout: "data/dev.jsonl", from: directory)
        #expect(dataset.split.train.count == 10)
        #expect(dataset.split.heldOut == [.completion(prompt: "Question 99?", completion: "Answer 99")])
    }

    @Test("heldout_fraction holds out that share of the file, the same records every time; the default is 5%")
    func heldoutFraction() throws {
        let directory = try DataDirectory()
        defer { directory.remove() }
        try directory.write("chat.jsonl", (0..<40).map(chatLine))
        let tenth = try load("chat.jsonl", fraction: 0.1, from: directory)
        #expect(tenth.split.heldOut.count == 4 && tenth.split.train.count == 36)
        #expect(try load("chat.jsonl", fraction: 0.1, from: directory).split == tenth.split)
        #expect(try load("chat.jsonl", from: directory).split.heldOut.count == 2)
    }

    @Test("A built-in set keeps its own held-out split: heldout settings are refused")
    func builtinRefusesHeldout() {
        #expect(throws: RunDataset.Problem.self) {
            try RunDataset.load(dataset: "alpaca", heldout: nil, heldoutFraction: 0.1, templates: [], world: world, dataDirectory: nil)
        }
    }

    @Test("Every record is checked against the runs' templates: one the template cannot hold is named by file and line")
    func templateChecked() throws {
        let directory = try DataDirectory()
        defer { directory.remove() }
        let path = try directory.write("chat.jsonl", [chatLine(0), "{\"messages\": [{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}"])
        _ = try load("chat.jsonl", from: directory)
        do {
            _ = try load("chat.jsonl", templates: [ConversationTemplate(.chatml), ConversationTemplate(.alpaca)], from: directory)
            Issue.record("the alpaca template took a system message")
        } catch let problem as RunDataset.Problem {
            #expect(problem.key == "dataset" && problem.description.hasPrefix("\(path):2: the alpaca template holds one user message"))
        }
    }

    @Test("An Alpaca file hashes as it always did; changing any record changes the hash")
    func hashes() throws {
        let directory = try DataDirectory()
        defer { directory.remove() }
        let records = (0..<30).map { InstructionRecord(instruction: "Question \($0)?", output: "Answer \($0)") }
        try directory.write("alpaca.jsonl", AlpacaFile.alpacaJSONLines(records).split(separator: "\n").map(String.init))
        let imported = InstructionSet.imported(records)
        let before = sha256Hex(Data((AlpacaFile.alpacaJSONLines(imported.trainRecords) + "\n--\n" + AlpacaFile.alpacaJSONLines(imported.heldOutRecords)).utf8))
        #expect(try load("alpaca.jsonl", templates: [ConversationTemplate(.alpaca)], from: directory).hash == before)
        try directory.write("alpaca.jsonl", AlpacaFile.alpacaJSONLines(records.dropLast() + [InstructionRecord(instruction: "Question 29?", output: "Answer 30")])
            .split(separator: "\n").map(String.init))
        #expect(try load("alpaca.jsonl", templates: [ConversationTemplate(.alpaca)], from: directory).hash != before)
        try directory.write("chat.jsonl", (0..<30).map(chatLine))
        #expect(try load("chat.jsonl", from: directory).hash != load("chat.jsonl", fraction: 0.2, from: directory).hash)
    }
}
