import Foundation

/// The linear layers of a Llama, by the names PEFT's `target_modules` use.
public enum ProjectionSite: String, CaseIterable, Codable, Sendable, Comparable {
    case q, k, v, o, gate, up, down, head

    /// The Hugging Face module name: `q_proj` … `down_proj`, `lm_head`.
    public var moduleName: String {
        switch self {
        case .q, .k, .v, .o, .gate, .up, .down: return rawValue + "_proj"
        case .head: return "lm_head"
        }
    }

    public init?(moduleName: String) {
        guard let site = Self.allCases.first(where: { $0.moduleName == moduleName }) else { return nil }
        self = site
    }

    /// The module's path inside `LlamaForCausalLM` for a layer (the head has none).
    public func modulePath(layer: Int) -> String {
        switch self {
        case .q, .k, .v, .o: return "model.layers.\(layer).self_attn.\(moduleName)"
        case .gate, .up, .down: return "model.layers.\(layer).mlp.\(moduleName)"
        case .head: return "lm_head"
        }
    }

    /// Whether the site occurs once per layer (all but the head).
    public var isPerLayer: Bool { self != .head }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The groups a targets list may name besides single projections, as Lit-GPT's flags mean them
    /// together: `attention` is q, k, v, o; `mlp` is gate, up, down; `all` is every linear layer,
    /// the output head included.
    public static let groups: [(name: String, members: [ProjectionSite])] = [
        ("attention", [.q, .k, .v, .o]),
        ("mlp", [.gate, .up, .down]),
        ("all", allCases),
    ]

    /// Every name a targets list may hold: the projections, then the groups.
    public static let targetNames = allCases.map(\.rawValue) + groups.map(\.name)

    /// The projections `names` select, in the model's order: projection names ("q"), Hugging Face
    /// module names ("q_proj", "lm_head") or groups ("attention", "mlp", "all"), any case.
    public static func targets(_ names: [String]) throws(TargetsError) -> [ProjectionSite] {
        var chosen = Set<ProjectionSite>()
        for name in names.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            if let group = groups.first(where: { $0.name == name }) {
                chosen.formUnion(group.members)
            } else if let site = ProjectionSite(rawValue: name) ?? ProjectionSite(moduleName: name) {
                chosen.insert(site)
            } else {
                throw TargetsError("unknown target \"\(name)\": expected \(expectedTargets)")
            }
        }
        guard !chosen.isEmpty else { throw TargetsError("targets must name at least one of \(expectedTargets)") }
        return allCases.filter(chosen.contains)
    }

    /// "q, k, v, o, gate, up, down, head (or q_proj … lm_head), attention, mlp or all".
    public static var expectedTargets: String {
        allCases.map(\.rawValue).joined(separator: ", ") + " (or q_proj … lm_head), "
            + groups.dropLast().map(\.name).joined(separator: ", ") + " or " + groups.last!.name
    }
}

/// A targets list that names no projection, or an unknown one.
public struct TargetsError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
