import TextData
import Tokenization

/// lm-evaluation-harness's `loglikelihood` request: how likely `continuation` is after `context`.
public struct LogLikelihoodRequest: Hashable, Sendable, Codable {
    public var context: String
    public var continuation: String

    public init(context: String, continuation: String) {
        self.context = context
        self.continuation = continuation
    }
}

/// A request in token ids: `context` is never empty (an empty text is the prefix token), `continuation`
/// is what is scored.
public struct TokenizedRequest: Hashable, Sendable {
    public var context: [Int32]
    public var continuation: [Int32]

    public init(context: [Int32], continuation: [Int32]) {
        self.context = context
        self.continuation = continuation
    }
}

/// lm-eval's answer to a loglikelihood request: Σ log p(continuation token | everything before it)
/// over the continuation's tokens only, and whether every one of them is the model's most likely next
/// token (so greedy decoding would produce exactly the continuation).
public struct LogLikelihood: Equatable, Sendable {
    public var logProbability: Double
    public var isGreedy: Bool
    /// How many continuation tokens were scored.
    public var tokenCount: Int

    public init(logProbability: Double, isGreedy: Bool, tokenCount: Int) {
        self.logProbability = logProbability
        self.isGreedy = isGreedy
        self.tokenCount = tokenCount
    }
}

/// Anything that scores loglikelihood requests: a Llama (with or without an adapter), or the unigram
/// baseline that measures a task's floor.
///
/// A model implements the token-level call; strings are encoded by ``RequestEncoder`` (lm-eval's
/// `_encode_pair`, with the encoding's special tokens in front), so every model sees the same tokens for
/// the same request.
public protocol LanguageModel: AnyObject {
    var encoding: TextEncoding { get }

    /// One result per request, in order. Implementations batch as they like; results must not depend
    /// on how requests are grouped beyond float rounding.
    func logLikelihoods(tokenized requests: [TokenizedRequest]) -> [LogLikelihood]
}

extension LanguageModel {
    /// One result per request, in order: lm-eval's `loglikelihood(requests)`.
    public func logLikelihoods(_ requests: [LogLikelihoodRequest]) -> [LogLikelihood] {
        logLikelihoods(tokenized: RequestEncoder(encoding: encoding).encode(requests))
    }

    /// A single request.
    public func logLikelihood(context: String, continuation: String) -> LogLikelihood {
        logLikelihoods([LogLikelihoodRequest(context: context, continuation: continuation)])[0]
    }

    /// The choices of one question: each continuation after the same context, scored in one batch.
    public func logLikelihoods(context: String, continuations: [String]) -> [LogLikelihood] {
        logLikelihoods(continuations.map { LogLikelihoodRequest(context: context, continuation: $0) })
    }
}

/// Turns (context, continuation) strings into token ids as lm-evaluation-harness's `_encode_pair` does
/// for decoder-only models, with the encoding's special tokens in front (`<s>` for this project's own
/// tokenizer and Llama 2's, none for GPT-2's):
///
///     n_spaces = len(context) - len(context.rstrip())
///     if n_spaces > 0:                      # trailing whitespace belongs to the continuation
///         continuation = context[-n_spaces:] + continuation
///         context = context[:-n_spaces]
///     whole_enc = tok_encode(context + continuation)
///     context_enc = tok_encode(context)
///     continuation_enc = whole_enc[len(context_enc):]
///
/// The continuation's tokens are cut from the encoding of the whole text rather than encoded alone,
/// as lm-eval does, because that is how the text was tokenized when the model read it in its corpus:
/// a word split across the boundary ("Geinl" + "ilde") is one piece of the whole. With this tokenizer's
/// pre-tokenizer and a continuation that starts with a space, both ways give the same ids (tested).
/// As in lm-eval, the model is fed `context_enc + continuation_enc`, even in the rare case where
/// `context_enc` is not a prefix of `whole_enc`.
///
/// A context is encoded as a sequence's start (``TextEncoding/encode(_:)``: `<s>` in front for this
/// project's tokenizer, whatever the post-processor adds for another), and an empty context is the
/// prefix token alone (lm-eval's: the BOS token, else EOS). lm-eval's Hugging Face backend adds no BOS
/// to a non-empty context unless `add_bos_token=True`; here every pretraining document starts with
/// `<s>`, so the model is scored on text in the position it learned it in, and a Hugging Face model on
/// text as its tokenizer encodes it. (A post-processor that appends EOS would put it inside the whole
/// text's encoding, and is not accounted for.)
public struct RequestEncoder: Sendable {
    public let encoding: TextEncoding

    public init(encoding: TextEncoding) {
        self.encoding = encoding
    }

    /// The context and continuation after moving the context's trailing whitespace (Python's
    /// `str.rstrip()`: Unicode whitespace, counted in code points) to the continuation.
    public static func split(context: String, continuation: String) -> (context: String, continuation: String) {
        let scalars = context.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let previous = scalars.index(before: end)
            guard isPythonWhitespace(scalars[previous]) else { break }
            end = previous
        }
        guard end < scalars.endIndex else { return (context, continuation) }
        return (String(scalars[..<end]), String(scalars[end...]) + continuation)
    }

    /// What Python's `str.isspace()` accepts: Unicode White_Space plus the separators U+001C…U+001F.
    static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    public func encode(context: String, continuation: String) -> TokenizedRequest {
        var cache: [String: [Int32]] = [:]
        return encode(LogLikelihoodRequest(context: context, continuation: continuation), contextCache: &cache)
    }

    /// All requests; each distinct context is encoded once.
    public func encode(_ requests: [LogLikelihoodRequest]) -> [TokenizedRequest] {
        var cache: [String: [Int32]] = [:]
        return requests.map { encode($0, contextCache: &cache) }
    }

    private func encode(_ request: LogLikelihoodRequest, contextCache: inout [String: [Int32]]) -> TokenizedRequest {
        let (context, continuation) = Self.split(context: request.context, continuation: request.continuation)
        guard !context.isEmpty else {
            let prefix = encoding.prefixID.map { [$0] } ?? encoding.encode("")
            precondition(!prefix.isEmpty, "an empty context needs a BOS or EOS token to stand for it")
            return TokenizedRequest(context: prefix, continuation: encoding.encodeContinuation(continuation))
        }
        let contextIDs: [Int32]
        if let cached = contextCache[context] {
            contextIDs = cached
        } else {
            contextIDs = encoding.encode(context)
            contextCache[context] = contextIDs
        }
        let whole = encoding.encode(context + continuation)
        let continuationIDs = whole.count > contextIDs.count ? Array(whole[contextIDs.count...]) : []
        return TokenizedRequest(context: contextIDs, continuation: continuationIDs)
    }
}
