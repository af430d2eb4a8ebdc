import Foundation

/// Piece → ids, shared by all copies of a model and safe across threads. Bounded: past `capacity` it
/// stops growing (`tokenizers` caps its cache the same way).
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: [Int32]] = [:]
    private let capacity = 1 << 18
    /// Pieces longer than this (in UTF-8 bytes) are not cached: they rarely repeat.
    static let longestCachedPiece = 256

    func value(for key: String) -> [Int32]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func insert(_ value: [Int32], for key: String) {
        guard key.utf8.count <= Self.longestCachedPiece else { return }
        lock.lock()
        defer { lock.unlock() }
        if entries.count < capacity { entries[key] = value }
    }
}
