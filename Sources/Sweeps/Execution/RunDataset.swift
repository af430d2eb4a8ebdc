import Experiments
import Foundation
import TextData

/// The examples a configuration's data settings name, split for training and the held-out loss:
/// - a built-in set (alpaca, lima): its own splits, from the base model's world;
/// - a dataset file (Alpaca, chat or prompt/completion; `DatasetFile`): held out as `heldout` (a second
///   file, of any of the three layouts) or `heldout_fraction` say, else `DatasetSplit.defaultHeldOutFraction`
///   of it, drawn the same way for every run.
///
/// Each file's records are checked against the templates the runs use, so a record a template cannot
/// hold stops the sweep before anything trains, naming its line.
public struct RunDataset {
    public let split: DatasetSplit

    /// A problem with one data setting: `key` is the experiment file's ("dataset", "heldout", …).
    public struct Problem: Error, CustomStringConvertible {
        public let key: String
        public let description: String
    }

    /// `dataset`, `heldout` and `heldoutFraction` as a configuration gives them; relative paths resolve
    /// from `dataDirectory` (`DataPath`); `templates` are checked against every file record.
    public static func load(
        dataset: String, heldout: String?, heldoutFraction: Double?, templates: [ConversationTemplate], world: World,
        dataDirectory: String?
    ) throws -> RunDataset {
        if let builtin = InstructionSet.Builtin(rawValue: dataset) {
            if heldout != nil || heldoutFraction != nil {
                throw Problem(key: heldout != nil ? "heldout" : "heldout_fraction",
                              description: "the built-in set \(dataset) has its own held-out split; heldout and heldout_fraction apply to a dataset file")
            }
            let set: InstructionSet
            do { set = try InstructionSet.builtin(builtin, world: world) } catch let error as CustomStringConvertible {
                throw CommandError(error.description)
            }
            return RunDataset(split: DatasetSplit(train: set.trainRecords.map(DatasetRecord.instruction),
                                                  heldOut: set.heldOutRecords.map(DatasetRecord.instruction)))
        }
        let records = try read(dataset, key: "dataset", templates: templates, dataDirectory: dataDirectory)
        if let heldout {
            let heldOut = try read(heldout, key: "heldout", templates: templates, dataDirectory: dataDirectory)
            return RunDataset(split: DatasetSplit(train: records, heldOut: heldOut))
        }
        return RunDataset(split: .drawing(heldOutFraction: heldoutFraction ?? DatasetSplit.defaultHeldOutFraction, from: records))
    }

    /// The records of the file `written` names, each checked against `templates`.
    static func read(_ written: String, key: String, templates: [ConversationTemplate], dataDirectory: String?) throws(Problem)
        -> [DatasetRecord]
    {
        let path = DataPath.resolve(written, from: dataDirectory)
        guard FileManager.default.fileExists(atPath: path) else {
            let builtins = key == "dataset" ? ", and not a built-in set (\(InstructionSet.Builtin.allCases.map(\.rawValue).joined(separator: ", ")))" : ""
            let place = path == written ? "" : " (looked for \(path))"
            throw Problem(key: key, description: "\(key) \(written): no such file\(place)\(builtins)")
        }
        do {
            let file = try DatasetFile.read(URL(fileURLWithPath: path))
            for template in Set(templates) { try file.check(template) }
            return file.records
        } catch {
            throw Problem(key: key, description: error.description)
        }
    }

    /// SHA-256 of the split's records as training and the held-out loss read them: the data's identity in
    /// run ids (for Alpaca records, the hash Alpaca datasets always had).
    public var hash: String { sha256Hex(Data(split.identityText.utf8)) }
}
