extension WordNet {
    /// (word, definition) pairs for the definition instructions: one-word lemmas of lower-case letters,
    /// each word's senses from the most often tagged (SemCor counts) to the least, and words in the
    /// order of their most frequent sense, so the commonest words come first and a word's first pair
    /// is its most frequent sense. Synsets never tagged are left out: nobody asks what they mean.
    public func definitions() -> [(word: String, definition: String)] {
        let tagged = synsets.indices.filter { synsets[$0].tagCount > 0 && !synsets[$0].definition.isEmpty }
        let byFrequency = tagged.sorted { (synsets[$0].tagCount, -$0) > (synsets[$1].tagCount, -$1) }
        var senses: [String: [String]] = [:]
        var order: [String] = []
        for index in byFrequency {
            for word in synsets[index].words where word.allSatisfy({ $0.isASCII && $0.isLowercase }) {
                if senses[word] == nil { order.append(word) }
                senses[word, default: []].append(synsets[index].definition)
            }
        }
        return order.flatMap { word in senses[word]!.map { (word, $0) } }
    }
}
