import Foundation
import Model

/// The knobs of a LoRA adapter, as PEFT names them.
///
/// Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", arXiv 2106.09685;
/// rsLoRA: Kalajdzievski, "A Rank Stabilization Scaling Factor for Fine-Tuning with LoRA", arXiv 2312.03732.
public struct LoRAConfig: Equatable, Sendable {
    /// r: the rank of the update B·A.
    public var rank: Int
    public var alpha: Float
    /// Dropout on the adapter branch's input only, in [0, 1).
    public var dropout: Float
    /// The projections that get an adapter.
    public var targets: Set<ProjectionSite>
    /// Scale by alpha/√r instead of alpha/r.
    public var useRSLoRA: Bool

    public init(rank: Int = 8, alpha: Float = 16, dropout: Float = 0.05, targets: Set<ProjectionSite> = [.q, .v],
                useRSLoRA: Bool = false) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = targets
        self.useRSLoRA = useRSLoRA
    }

    /// The factor on B·A·x: alpha / r, or alpha / √r with rsLoRA.
    public var scale: Float { useRSLoRA ? alpha / Float(rank).squareRoot() : alpha / Float(rank) }

    /// Every reason these knobs are unusable, as messages naming the knob.
    public func problems() -> [String] {
        var problems: [String] = []
        if rank <= 0 { problems.append("rank must be a positive integer, got \(rank)") }
        if !(alpha > 0) { problems.append("alpha must be positive, got \(alpha)") }
        if !(dropout >= 0 && dropout < 1) { problems.append("dropout must be in [0, 1), got \(dropout)") }
        if targets.isEmpty { problems.append("targets must name at least one of \(ProjectionSite.allCases.map(\.rawValue).joined(separator: ", "))") }
        return problems
    }

    /// Parses "q,v", "all", "q_proj,v_proj" or "attention,mlp" into projection sites
    /// (`ProjectionSite.targets` says what each name selects).
    public static func parseTargets(_ text: String) throws -> Set<ProjectionSite> {
        do {
            return Set(try ProjectionSite.targets(text.split(separator: ",").map(String.init)))
        } catch {
            throw LoRAConfigError(error.description)
        }
    }
}

public struct LoRAConfigError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
