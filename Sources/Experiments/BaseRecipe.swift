import Foundation
import JSON
import TextData
import Vocabulary
import TOMLKit

/// The base model's pretraining recipe (experiments/base.toml): the world's seed, the corpus mix, the
/// tokenizer, the model's shape and the training schedule. `sweep pretrain --recipe` trains it, and the
/// model directory records the recipe's hash so a later run can tell it was trained by another recipe.
///
/// Every key has a default; the file lists the ones it sets. Unknown keys and values out of range are
/// errors that name the file, line and key.
///
/// `[world]` takes `seed` and every key of `World.Configuration` (`town_count`, `exposures`,
/// `misconception_exposures`, …); `[benchmarks]` takes the item counts (`BenchmarkCounts`).
public struct BaseRecipe: Sendable, Equatable {
    public var worldSeed: UInt64 = 1
    /// The world's shape beyond its seed: the `[world]` keys other than `seed`.
    public var world = World.Configuration.default
    /// How many items each benchmark asks: the `[benchmarks]` keys.
    public var benchmarks = BenchmarkCounts()
    public var wordNetBytes = 1_000_000
    public var vocabularySize = 1_000

    public var dim = 192
    public var layers = 4
    public var heads = 4
    public var kvHeads = 4
    /// intermediate_size; 0 means 8/3 × dim rounded up to a multiple of 16.
    public var hidden = 0
    public var tied = false
    public var ropeTheta = 10_000.0
    public var sequenceLength = 128

    public var batch = 16
    public var accumulation = 1
    public var steps = 3_000
    public var lr = 2e-3
    public var warmup = 100
    public var schedule = "cosine"
    public var minimumLRFactor = 0.1
    public var weightDecay = 0.01
    public var clip = 1.0
    public var seed: UInt64 = 1

    public init() {}

    /// Each key a recipe may set, by section, with its check and where it goes.
    private static var keys: [String: [String: Field]] { [
        "world": ["seed": .unsigned(\.worldSeed)],
        "benchmarks": [
            "truthful_items": .optionalInteger(\.benchmarks.truthfulItems, minimum: 1),
            "causative_pairs_per_group": .integer(\.benchmarks.causativePairsPerGroup, minimum: 1),
            "facts_items": .optionalInteger(\.benchmarks.factsItems, minimum: 1),
            "facts_choices": .integer(\.benchmarks.factsChoices, minimum: 2),
            "arithmetic_items": .optionalInteger(\.benchmarks.arithmeticItems, minimum: 1),
        ],
        "corpus": ["wordnet_bytes": .integer(\.wordNetBytes, minimum: 0)],
        "tokenizer": ["vocab": .integer(\.vocabularySize, minimum: 259 + 16)],
        "model": [
            "dim": .integer(\.dim, minimum: 8), "layers": .integer(\.layers, minimum: 1),
            "heads": .integer(\.heads, minimum: 1), "kv_heads": .integer(\.kvHeads, minimum: 1),
            "hidden": .integer(\.hidden, minimum: 0), "tied": .boolean(\.tied),
            "rope_theta": .real(\.ropeTheta, minimum: 1), "seq_len": .integer(\.sequenceLength, minimum: 8),
        ],
        "training": [
            "batch": .integer(\.batch, minimum: 1), "accumulation": .integer(\.accumulation, minimum: 1),
            "steps": .integer(\.steps, minimum: 1), "lr": .real(\.lr, minimum: 1e-9),
            "warmup": .integer(\.warmup, minimum: 0), "schedule": .choice(\.schedule, ScheduleShape.allCases.map(\.rawValue)),
            "min_lr_factor": .real(\.minimumLRFactor, minimum: 0), "weight_decay": .real(\.weightDecay, minimum: 0),
            "clip": .real(\.clip, minimum: 0), "seed": .unsigned(\.seed),
        ],
    ] }

    /// intermediate_size as the model gets it.
    public var resolvedHidden: Int { hidden > 0 ? hidden : (dim * 8 / 3 + 15) / 16 * 16 }

    public static func load(path: String) throws -> BaseRecipe {
        guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RecipeError(file: path, line: nil, key: nil, message: "cannot be read as UTF-8 text")
        }
        return try parse(source: source, path: path)
    }

    public static func parse(source: String, path: String) throws -> BaseRecipe {
        if let line = tableHeaderWithoutKey(in: source) {
            throw RecipeError(file: path, line: line, key: nil, message: "a table header must start with a key, as in [model]")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw RecipeError(file: path, line: error.source.begin.line, key: nil, message: error.description)
        }
        let lines = RecipeSourceLines(source)
        var recipe = BaseRecipe()
        for section in table.keys.sorted() {
            guard let fields = keys[section] else {
                throw RecipeError(file: path, line: lines.line(ofSection: section), key: section,
                                  message: "unknown section; expected one of \(keys.keys.sorted().map { "[\($0)]" }.joined(separator: ", "))")
            }
            guard let body = table[section]?.table else {
                throw RecipeError(file: path, line: lines.line(ofKey: section, in: nil), key: section, message: "expected a [\(section)] table")
            }
            var worldSettings: [String: JSONValue] = [:]
            for key in body.keys.sorted() {
                let line = lines.line(ofKey: key, in: section)
                if section == "world", fields[key] == nil, World.Configuration.keyNames.contains(key) {
                    guard let value = jsonValue(body[key]!) else {
                        throw RecipeError(file: path, line: line, key: "world.\(key)",
                                          message: "expected a number, a boolean, a string or a list, got \(body[key]!.tomlValue.debugDescription)")
                    }
                    worldSettings[key] = value
                    continue
                }
                guard let field = fields[key] else {
                    let expected = section == "world" ? fields.keys.sorted() + World.Configuration.keyNames.sorted() : fields.keys.sorted()
                    throw RecipeError(file: path, line: line, key: "\(section).\(key)",
                                      message: "unknown key; expected one of \(expected.joined(separator: ", "))")
                }
                if let problem = field.assign(body[key]!, to: &recipe) {
                    throw RecipeError(file: path, line: line, key: "\(section).\(key)", message: problem)
                }
            }
            if !worldSettings.isEmpty {
                do {
                    recipe.world = try World.Configuration.decode(worldSettings)
                } catch let error as World.ConfigurationError {
                    throw RecipeError(file: path, line: lines.line(ofKey: error.key, in: "world"), key: "world.\(error.key)",
                                      message: error.message)
                }
            }
        }
        if let problem = recipe.problems().first {
            throw RecipeError(file: path, line: nil, key: "model", message: problem)
        }
        let fewestValues = World.Attribute.allCases.map(\.values.count).min()!
        if recipe.benchmarks.factsChoices > fewestValues {
            throw RecipeError(file: path, line: lines.line(ofKey: "facts_choices", in: "benchmarks"), key: "benchmarks.facts_choices",
                              message: "expected at most \(fewestValues) (the values of the smallest attribute), got \(recipe.benchmarks.factsChoices)")
        }
        return recipe
    }

    func problems() -> [String] {
        var problems: [String] = []
        if dim % heads != 0 { problems.append("dim (\(dim)) must be a multiple of heads (\(heads))") }
        if heads % kvHeads != 0 { problems.append("heads (\(heads)) must be a multiple of kv_heads (\(kvHeads))") }
        if (dim / heads) % 2 != 0 { problems.append("the head size dim/heads (\(dim / heads)) must be even for RoPE") }
        return problems
    }

    /// Sections whose keys enter the canonical text only when they differ from the default, so that a
    /// recipe written before the section (or the key) existed keeps its hash. `world.seed` always enters.
    static let sectionsListedWhenChanged: Set<String> = ["world", "benchmarks"]

    /// Every setting, one `section.key=value` per line in a fixed order: what the hash covers. Defaults
    /// are included, except in `[world]` (all but `seed`) and `[benchmarks]`, whose keys are listed only
    /// when they differ from the default (a world key's value as canonical JSON, `world.exposures=[3,6,12,24]`).
    public var canonicalText: String {
        let defaults = BaseRecipe()
        var lines: [String] = []
        for section in Self.keys.keys.sorted() {
            var entries: [(key: String, value: String)] = []
            for key in Self.keys[section]!.keys.sorted() {
                let field = Self.keys[section]![key]!
                let value = field.value(of: self)
                if Self.sectionsListedWhenChanged.contains(section), !(section == "world" && key == "seed"),
                   value == field.value(of: defaults) { continue }
                entries.append((key, value))
            }
            if section == "world" { entries += world.changedSettings() }
            for entry in entries.sorted(by: { $0.key < $1.key }) { lines.append("\(section).\(entry.key)=\(entry.value)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// SHA-256 of `canonicalText`, hex: editing comments or restating a default does not change it.
    public var hash: String {
        sha256Hex(Data(canonicalText.utf8))
    }

    private enum Field {
        case integer(WritableKeyPath<BaseRecipe, Int>, minimum: Int)
        /// nil until set: "every item" for a benchmark count.
        case optionalInteger(WritableKeyPath<BaseRecipe, Int?>, minimum: Int)
        case unsigned(WritableKeyPath<BaseRecipe, UInt64>)
        case real(WritableKeyPath<BaseRecipe, Double>, minimum: Double)
        case boolean(WritableKeyPath<BaseRecipe, Bool>)
        case choice(WritableKeyPath<BaseRecipe, String>, [String])

        /// Sets the field from `value`; returns what was wrong instead when the value does not fit.
        func assign(_ value: TOMLValueConvertible, to recipe: inout BaseRecipe) -> String? {
            switch self {
            case .integer(let path, let minimum):
                guard let int = value.int else { return "expected an integer ≥ \(minimum), got \(value.tomlValue.debugDescription)" }
                guard int >= minimum else { return "expected an integer ≥ \(minimum), got \(int)" }
                recipe[keyPath: path] = int
            case .optionalInteger(let path, let minimum):
                guard let int = value.int else { return "expected an integer ≥ \(minimum), got \(value.tomlValue.debugDescription)" }
                guard int >= minimum else { return "expected an integer ≥ \(minimum), got \(int)" }
                recipe[keyPath: path] = int
            case .unsigned(let path):
                guard let int = value.int, int >= 0 else { return "expected an integer ≥ 0, got \(value.tomlValue.debugDescription)" }
                recipe[keyPath: path] = UInt64(int)
            case .real(let path, let minimum):
                guard let number = value.double ?? value.int.map(Double.init) else {
                    return "expected a number ≥ \(minimum), got \(value.tomlValue.debugDescription)"
                }
                guard number >= minimum, number.isFinite else { return "expected a number ≥ \(minimum), got \(number)" }
                recipe[keyPath: path] = number
            case .boolean(let path):
                guard let bool = value.bool else { return "expected true or false, got \(value.tomlValue.debugDescription)" }
                recipe[keyPath: path] = bool
            case .choice(let path, let choices):
                guard let string = value.string, choices.contains(string) else {
                    return "expected one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \(value.tomlValue.debugDescription)"
                }
                recipe[keyPath: path] = string
            }
            return nil
        }

        func value(of recipe: BaseRecipe) -> String {
            switch self {
            case .integer(let path, _): "\(recipe[keyPath: path])"
            case .optionalInteger(let path, _): recipe[keyPath: path].map { "\($0)" } ?? "all"
            case .unsigned(let path): "\(recipe[keyPath: path])"
            case .real(let path, _): "\(recipe[keyPath: path])"
            case .boolean(let path): "\(recipe[keyPath: path])"
            case .choice(let path, _): recipe[keyPath: path]
            }
        }
    }
}

/// A recipe that cannot be used: `file:line: key: message`.
public struct RecipeError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.map { "\(place): \($0): \(message)" } ?? "\(place): \(message)"
    }
}

/// Finds where a section or key is written, for error messages (TOMLKit's tables do not keep positions).
struct RecipeSourceLines {
    let lines: [Substring]

    init(_ source: String) { lines = source.split(separator: "\n", omittingEmptySubsequences: false) }

    func line(ofSection section: String) -> Int? {
        lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[\(section)]") }.map { $0 + 1 }
    }

    /// The first line that assigns `key` inside `[section]` (or before any section when nil).
    func line(ofKey key: String, in section: String?) -> Int? {
        var current: String? = nil
        for (index, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("[") {
                current = text.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
            } else if current == section, text.hasPrefix(key),
                      text.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
                return index + 1
            }
        }
        return section.flatMap { line(ofSection: $0) }
    }
}
