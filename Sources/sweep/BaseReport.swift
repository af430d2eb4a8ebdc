import Foundation

/// results/base.md: the base model's loss curve, benchmark scores beside their floors, tokens, time, size.
enum BaseReport {
    static func write(modelDirectory: String, to path: String) throws {
        throw CommandError("the base report renderer lands with the Reports module")
    }
}
