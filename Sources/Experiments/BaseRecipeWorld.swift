import Foundation
import JSON
import TextData
import TOMLKit

/// How many items each benchmark asks, as a recipe's `[benchmarks]` section sets them. The defaults are
/// `Benchmarks.Configuration.default`'s (Sweeps maps one onto the other): nil means every item the world
/// offers.
public struct BenchmarkCounts: Sendable, Equatable {
    /// Misconceptions asked by truthful-mc1 and truthful-mc2.
    public var truthfulItems: Int?
    /// Minimal pairs per verb group (three groups).
    public var causativePairsPerGroup = 100
    /// Facts asked about evaluation towns.
    public var factsItems: Int?
    /// Choices per facts question (at most the 12 values of the smallest attribute).
    public var factsChoices = 4
    /// Held-out problems asked per arithmetic task.
    public var arithmeticItems: Int?

    public init() {}
}

extension World.Configuration {
    /// A configuration from `[world]` settings (JSON values by snake_case key; missing keys keep their
    /// defaults). Throws a `World.ConfigurationError` naming the key: a wrong type or an invalid value.
    public static func decode(_ settings: [String: JSONValue]) throws -> World.Configuration {
        let text = "{" + settings.keys.sorted().map { jsonString($0) + ":" + CanonicalJSON.render(settings[$0]!) }
            .joined(separator: ",") + "}"
        do {
            return try JSONDecoder().decode(World.Configuration.self, from: Data(text.utf8))
        } catch let error as World.ConfigurationError {
            throw error
        } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
            let key = context.codingPath.first?.stringValue ?? "?"
            throw World.ConfigurationError(key: key, message: "expected \(describe(type)), got \(settings[key].map(CanonicalJSON.render) ?? "nothing")")
        } catch let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.first?.stringValue ?? "?"
            throw World.ConfigurationError(key: key, message: "expected another kind of value, got \(settings[key].map(CanonicalJSON.render) ?? "nothing")")
        }
    }

    /// The settings that differ from `World.Configuration.default`, as (key, canonical JSON) pairs.
    public func changedSettings() -> [(key: String, value: String)] {
        let mine = settings, defaults = World.Configuration.default.settings
        return mine.keys.sorted().compactMap { key in
            let value = CanonicalJSON.render(mine[key]!)
            return value == defaults[key].map(CanonicalJSON.render) ? nil : (key, value)
        }
    }

    /// Every setting by snake_case key, as JSON values.
    var settings: [String: JSONValue] {
        guard let data = try? JSONEncoder().encode(self), case .object(let object)? = JSONValue.parse(data).value else {
            preconditionFailure("World.Configuration encodes to a JSON object")
        }
        return object
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Int].Type, is [[Int]].Type: "a list of integers"
        default: "a value of type \(type)"
        }
    }
}

extension BaseRecipe {
    /// The world and benchmark settings of a recipe's canonical text (recipe.json's `settings`): what a
    /// model directory says about the world it was pretrained on. Unknown or unreadable lines are skipped,
    /// so a directory written before these settings existed reads as the default world.
    public static func worldSettings(fromCanonicalText text: String) throws -> (seed: UInt64, world: World.Configuration, benchmarks: BenchmarkCounts) {
        var seed: UInt64 = 1
        var world: [String: JSONValue] = [:]
        var benchmarks = BenchmarkCounts()
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<equals]), value = String(line[line.index(after: equals)...])
            if name == "world.seed" { seed = UInt64(value) ?? 1; continue }
            if name.hasPrefix("world.") {
                if let parsed = JSONValue.parse(Data(value.utf8)).value { world[String(name.dropFirst("world.".count))] = parsed }
            } else if name.hasPrefix("benchmarks."), let int = Int(value) {
                switch name.dropFirst("benchmarks.".count) {
                case "truthful_items": benchmarks.truthfulItems = int
                case "causative_pairs_per_group": benchmarks.causativePairsPerGroup = int
                case "facts_items": benchmarks.factsItems = int
                case "facts_choices": benchmarks.factsChoices = int
                case "arithmetic_items": benchmarks.arithmeticItems = int
                default: break
                }
            }
        }
        return (seed, try World.Configuration.decode(world), benchmarks)
    }
}

/// A TOML value as JSON: numbers, booleans, strings and (nested) lists of them; nil for tables and dates.
func jsonValue(_ value: TOMLValueConvertible) -> JSONValue? {
    if let bool = value.bool { return .bool(bool) }
    if let int = value.int { return .int(int) }
    if let double = value.double { return .double(double) }
    if let string = value.string { return .string(string) }
    if let array = value.array {
        var values: [JSONValue] = []
        for element in array {
            guard let converted = jsonValue(element) else { return nil }
            values.append(converted)
        }
        return .array(values)
    }
    return nil
}
