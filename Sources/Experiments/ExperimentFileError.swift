/// A problem with an experiment file: where it is and what was expected.
///
/// Reads like a compiler diagnostic: `experiments/x.toml:12: grid.rank: expected an integer ≥ 1, got 0`.
/// The line is 1-based and best effort (the line of the key, else of its table); `key` is the dotted
/// path of the value at fault, with `[[include]]` and `[[exclude]]` tables counted from 0: `include[1].rank`.
public struct ExperimentFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var line: Int?
    public var key: String?
    public var message: String

    public init(path: String, line: Int?, key: String?, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        if let key { text += ": \(key)" }
        return text + ": " + message
    }
}

/// The candidate closest to `word` by edit distance (adjacent transpositions count once), when it is close
/// enough to be a likely typo.
func closestMatch(to word: String, among candidates: [String]) -> String? {
    let threshold = min(3, max(1, word.count / 3))
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(word.lowercased(), candidate.lowercased())
        if distance <= threshold, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.candidate
}

/// "; did you mean 'rank'?" or "; expected one of a, b, c".
func suggestionSuffix(for word: String, among candidates: [String]) -> String {
    if let match = closestMatch(to: word, among: candidates) { return "; did you mean '\(match)'?" }
    return "; expected one of " + candidates.joined(separator: ", ")
}

/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
