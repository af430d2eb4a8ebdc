import Foundation
import Tokenization
import Training

/// A model directory's tokenizer (tokenizer.json with tokenizer_config.json) for `sweep tokenize` and
/// `sweep detokenize`: what cannot be read or is not supported is bad input, named by file and field.
public enum ModelTokenizer {
    public static func load(_ directory: String) throws -> Tokenizer {
        let url = URL(fileURLWithPath: directory)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("tokenizer.json").path) else {
            throw BadInput("\(directory) has no tokenizer.json (a Hugging Face model directory has one beside config.json)")
        }
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(directory: url)
        } catch {
            throw BadInput(error.description)
        }
        warnAboutClassRewrites(tokenizer.config.tokenizerClass, directory: directory)
        return tokenizer
    }

    /// transformers 5 rebuilds the pipeline of some classes (LlamaTokenizer: Metaspace instead of the
    /// file's normalizer; GPT2Tokenizer: ByteLevel alone) from the class's defaults; these ids follow
    /// tokenizer.json, as `tokenizers` and the generic PreTrainedTokenizerFast read it.
    static func warnAboutClassRewrites(_ tokenizerClass: String?, directory: String) {
        guard let tokenizerClass, !["PreTrainedTokenizerFast", "TokenizersBackend"].contains(tokenizerClass) else { return }
        printProgress("note: \(directory)/tokenizer_config.json names \(tokenizerClass); transformers may rebuild that class's "
            + "pipeline from its defaults, while these ids follow tokenizer.json as PreTrainedTokenizerFast reads it")
    }

    /// The text of `--file`, which must be UTF-8.
    public static func readText(file path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw BadInput("\(path) cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw BadInput("\(path) is not UTF-8 text") }
        return text
    }

    /// `--ids 1,2,3`: non-negative integers, comma- or space-separated.
    public static func parseIDs(_ text: String) throws -> [Int32] {
        do {
            return try TokenFile.parseIDs(text, source: "--ids")
        } catch {
            throw BadInput("\(error)")
        }
    }
}
