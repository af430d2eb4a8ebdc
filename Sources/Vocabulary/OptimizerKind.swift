/// The optimizers a run may train with: the article's two.
///
/// AdamW (decoupled weight decay, 0.01 unless given) and SGD with momentum 0.9 (weight decay 0 unless given).
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case adamw, sgd
}
