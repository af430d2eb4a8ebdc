import Tokenization
import Vocabulary

/// A prompt template, resolved: how a `DatasetRecord` becomes text with its reply marked.
///
/// The chat styles write what transformers' `apply_chat_template` writes with the canonical ChatML
/// template and with Llama 2's (meta-llama/Llama-2-7b-chat-hf's tokenizer_config.json), byte for byte
/// (Tests/TextDataTests/template_goldens.py makes the goldens); Alpaca is Lit-GPT's prompt.
///
/// ```swift
/// let template = try ConversationTemplate(.chatml, tokenizer: nil, model: "models/qwen")
/// try template.render(.completion(prompt: "2 + 2?", completion: "4")).text
/// // "<|im_start|>user\n2 + 2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n"
/// ```
public struct ConversationTemplate: Sendable, Hashable {
    public enum Style: String, Sendable, CaseIterable {
        case alpaca, chatml
        case llama2 = "llama-2"
    }

    public var style: Style
    /// The text of the model's BOS and EOS tokens, which Llama 2's template writes.
    public var bosToken: String
    public var eosToken: String

    public init(_ style: Style, bosToken: String = "<s>", eosToken: String = "</s>") {
        self.style = style
        self.bosToken = bosToken
        self.eosToken = eosToken
    }

    /// The template `choice` names for a model whose tokenizer settings are `tokenizer` (its
    /// tokenizer_config.json; nil when it has none): `model` recognises the model's chat template by
    /// its markers (`<|im_start|>`: ChatML, `[INST]`: Llama 2), and any other template is an error
    /// asking for an explicit one. `model` names the model directory in errors.
    public init(_ choice: PromptTemplate, tokenizer: TokenizerConfig?, model: String) throws(TemplateError) {
        let bos = tokenizer?.bosToken ?? "<s>", eos = tokenizer?.eosToken ?? "</s>"
        switch choice {
        case .alpaca: self.init(.alpaca)
        case .chatml: self.init(.chatml)
        case .llama2: self.init(.llama2, bosToken: bos, eosToken: eos)
        case .model:
            let explicit = "give template = \"chatml\", \"llama-2\" or \"alpaca\" instead of \"model\""
            guard let chatTemplate = tokenizer?.chatTemplate else {
                throw TemplateError("\(model) has no chat template (tokenizer_config.json's chat_template or chat_template.jinja): \(explicit)")
            }
            guard let style = Self.recognise(chatTemplate) else {
                throw TemplateError("\(model)'s chat template is neither ChatML's (it writes <|im_start|>) nor Llama 2's (it writes [INST]): \(explicit)")
            }
            self.init(style, bosToken: bos, eosToken: eos)
        }
    }

    /// The style a Jinja chat template writes, told by its markers; nil when it has neither.
    public static func recognise(_ chatTemplate: String) -> Style? {
        if chatTemplate.contains("<|im_start|>") { return .chatml }
        if chatTemplate.contains("[INST]") { return .llama2 }
        return nil
    }

    /// The record laid out by this template; an error when the template cannot hold it (Alpaca's holds
    /// one exchange and no system message).
    public func render(_ record: DatasetRecord) throws(TemplateError) -> RenderedExample {
        switch style {
        case .alpaca: try AlpacaRendering.render(record)
        case .chatml: ChatMLRendering.render(record.messages)
        case .llama2: Llama2Rendering(bosToken: bosToken, eosToken: eosToken).render(record.messages)
        }
    }
}

/// Why a template cannot be resolved or cannot lay out a record.
public struct TemplateError: Error, Equatable, CustomStringConvertible {
    public let problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}

extension DatasetFile {
    /// Renders every record with `template`: the first it cannot hold is an error naming its line.
    public func check(_ template: ConversationTemplate) throws(DatasetFileError) {
        for (record, location) in zip(records, locations) {
            do {
                _ = try template.render(record)
            } catch {
                throw DatasetFileError(file: path, location: location, problem: error.problem)
            }
        }
    }
}
