import Foundation
import TextData
import Vocabulary
import Tokenization

/// The prompt template a `template` setting names, for a model directory: its tokenizer_config.json
/// gives Llama 2's template the model's BOS and EOS text and, for `model`, the chat template to recognise.
public enum ModelTemplate {
    /// The resolved template, and the model's chat template text when `choice` is `model` (part of the
    /// data's identity: a model whose chat template changes trains on other text).
    public static func resolve(_ choice: PromptTemplate, modelDirectory: String) throws -> (template: ConversationTemplate, chatTemplate: String?) {
        if choice == .alpaca { return (ConversationTemplate(.alpaca), nil) }
        let config: TokenizerConfig
        do { config = try TokenizerConfig(directory: URL(fileURLWithPath: modelDirectory)) } catch {
            throw RunDataset.Problem(key: "template", description: "cannot read the model's tokenizer settings: \(error.description)")
        }
        do {
            let template = try ConversationTemplate(choice, tokenizer: config, model: modelDirectory)
            return (template, choice == .model ? config.chatTemplate : nil)
        } catch {
            throw RunDataset.Problem(key: "template", description: error.description)
        }
    }
}
