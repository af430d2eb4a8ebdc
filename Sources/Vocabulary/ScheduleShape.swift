/// The learning-rate schedule after the linear warmup: constant, cosine decay or linear decay to 0.
public enum ScheduleShape: String, CaseIterable, Codable, Sendable {
    case constant, cosine, linear
}
