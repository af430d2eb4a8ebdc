/// What happens to the matches of a splitting pattern (`tokenizers`' SplitDelimiterBehavior): the text is
/// tiled into matches and the stretches between them, and the tiles are grouped into pieces.
enum SplitBehavior: String, CaseIterable {
    /// Matches are dropped.
    case removed = "Removed"
    /// Every tile is a piece.
    case isolated = "Isolated"
    /// A match joins the stretch before it.
    case mergedWithPrevious = "MergedWithPrevious"
    /// A match joins the stretch after it.
    case mergedWithNext = "MergedWithNext"
    /// Adjacent matches form one piece.
    case contiguous = "Contiguous"

    /// The ranges of the pieces of a text of `count` elements whose matches are `matches` (in order, not
    /// overlapping); with `invert`, the stretches between matches are treated as the matches.
    func pieces(count: Int, matches: [Range<Int>], invert: Bool = false) -> [Range<Int>] {
        let tiles = Self.tiles(count: count, matches: matches).map { ($0.range, $0.isMatch != invert) }
        var pieces: [(range: Range<Int>, keep: Bool)] = []
        var previousIsMatch = false
        switch self {
        case .removed:
            pieces = tiles.map { ($0.0, !$0.1) }
        case .isolated:
            pieces = tiles.map { ($0.0, true) }
        case .contiguous:
            for (range, isMatch) in tiles {
                if isMatch == previousIsMatch, let last = pieces.last {
                    pieces[pieces.count - 1].range = last.range.lowerBound..<range.upperBound
                } else {
                    pieces.append((range, true))
                }
                previousIsMatch = isMatch
            }
        case .mergedWithPrevious:
            for (range, isMatch) in tiles {
                if isMatch && !previousIsMatch, let last = pieces.last {
                    pieces[pieces.count - 1].range = last.range.lowerBound..<range.upperBound
                } else {
                    pieces.append((range, true))
                }
                previousIsMatch = isMatch
            }
        case .mergedWithNext:
            for (range, isMatch) in tiles.reversed() {
                if isMatch && !previousIsMatch, let last = pieces.last {
                    pieces[pieces.count - 1].range = range.lowerBound..<last.range.upperBound
                } else {
                    pieces.append((range, true))
                }
                previousIsMatch = isMatch
            }
            pieces.reverse()
        }
        return pieces.filter { $0.keep && !$0.range.isEmpty }.map(\.range)
    }

    /// Matches and the stretches between them, covering 0..<count.
    private static func tiles(count: Int, matches: [Range<Int>]) -> [(range: Range<Int>, isMatch: Bool)] {
        var tiles: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        for match in matches {
            if previous < match.lowerBound { tiles.append((previous..<match.lowerBound, false)) }
            tiles.append((match, true))
            previous = match.upperBound
        }
        if previous < count { tiles.append((previous..<count, false)) }
        return tiles
    }
}

extension PreToken {
    /// The pieces of this piece's scalars at `ranges`; only the first can start the input.
    func pieces(_ scalars: [Unicode.Scalar], at ranges: [Range<Int>]) -> [PreToken] {
        ranges.map { range in
            PreToken(text: makeString(scalars[range]), startsInput: startsInput && range.lowerBound == 0)
        }
    }
}
