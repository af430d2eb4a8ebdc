/// How an example is laid out as text before it is tokenized: the `template` knob.
///
/// - `alpaca`: Lit-GPT's Alpaca prompt ("Below is an instruction …### Response:\n") and the reply, with
///   the model's end-of-sequence token after it: the default, and what every run before templates used.
/// - `chatml`: `<|im_start|>role\n…<|im_end|>\n` per message (OpenAI's ChatML, as Qwen and SmolLM use it).
/// - `llama2`: `<s>[INST] <<SYS>>\n…\n<</SYS>>\n\nuser [/INST] assistant </s>` (Meta's Llama 2 chat format,
///   as its tokenizer_config.json's chat_template writes it).
/// - `model`: the base model's own chat template (tokenizer_config.json or chat_template.jinja), when it
///   is recognisably ChatML or Llama 2's.
public enum PromptTemplate: String, CaseIterable, Codable, Sendable {
    case alpaca, chatml
    case llama2 = "llama-2"
    case model
}

extension PromptTemplate {
    /// What the setting does, for `sweep finetune --template` and the docs.
    public static let help = "How examples are laid out, with the loss on the replies only: alpaca (Lit-GPT's Alpaca prompt; the default), chatml, llama-2, or model (the base model's own chat template from tokenizer_config.json, when it is ChatML or Llama 2's)."
}
