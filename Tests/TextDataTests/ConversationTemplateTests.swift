import Foundation
import Testing
import TextData
import Tokenization
import Vocabulary

/// The conversations of fixtures/template-goldens.json with what transformers' apply_chat_template wrote.
struct TemplateGoldens {
    struct Case {
        var messages: [ChatMessage]
        var rendered: [String: String]
    }

    var templates: [String: String]
    var cases: [Case]

    static func load() throws -> TemplateGoldens {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fixtures/template-goldens.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let cases = (root["cases"] as! [[String: Any]]).map { entry in
            Case(messages: (entry["messages"] as! [[String: String]]).map { ChatMessage(ChatMessage.Role(rawValue: $0["role"]!)!, $0["content"]!) },
                 rendered: ["chatml": entry["chatml"] as! String, "llama-2": entry["llama-2"] as! String])
        }
        return TemplateGoldens(templates: root["templates"] as! [String: String], cases: cases)
    }
}

@Suite("Prompt templates: alpaca, chatml and llama-2 as transformers renders them, and the model's own")
struct ConversationTemplateTests {
    let chatml = ConversationTemplate(.chatml)
    let llama2 = ConversationTemplate(.llama2)

    @Test("chatml and llama-2 render every golden conversation exactly as apply_chat_template does")
    func goldens() throws {
        let goldens = try TemplateGoldens.load()
        #expect(goldens.cases.count >= 9)
        for golden in goldens.cases {
            let record = DatasetRecord.conversation(golden.messages)
            #expect(try chatml.render(record).text == golden.rendered["chatml"])
            #expect(try llama2.render(record).text == golden.rendered["llama-2"])
        }
    }

    @Test("The learned text of chatml is each reply with its <|im_end|>; of llama-2, each reply with its </s>")
    func learnedTexts() throws {
        let record = DatasetRecord.conversation([
            ChatMessage(.system, "Be brief."), ChatMessage(.user, "Hi"), ChatMessage(.assistant, "Hello."),
            ChatMessage(.user, "And 2 + 2?"), ChatMessage(.assistant, " 4 "),
        ])
        #expect(try chatml.render(record).learnedTexts == ["Hello.<|im_end|>", " 4 <|im_end|>"])
        #expect(try llama2.render(record).learnedTexts == [" Hello. </s>", " 4 </s>"])
        #expect(try chatml.render(record).endsWithEOS == false)
        #expect(try llama2.render(record).opensWithTokenizerSpecials == false)
    }

    @Test("alpaca renders an Alpaca record as Lit-GPT's prompt and the output, then the model's EOS")
    func alpacaRecord() throws {
        let record = InstructionRecord(instruction: "Rewrite in the past tense.", input: "The girl breaks the vase.", output: "The girl broke the vase.")
        let rendered = try ConversationTemplate(.alpaca).render(.instruction(record))
        #expect(rendered.pieces == [.text(record.prompt, learned: false), .text(record.response, learned: true)])
        #expect(rendered.opensWithTokenizerSpecials && rendered.endsWithEOS)
    }

    @Test("alpaca takes a prompt/completion pair or a one-exchange chat as an instruction and its output")
    func alpacaOtherLayouts() throws {
        let alpaca = ConversationTemplate(.alpaca)
        let expected = try alpaca.render(.instruction(InstructionRecord(instruction: "2 + 2?", output: "4")))
        #expect(try alpaca.render(.completion(prompt: "2 + 2?", completion: "4")) == expected)
        #expect(try alpaca.render(.conversation([ChatMessage(.user, "2 + 2?"), ChatMessage(.assistant, "4")])) == expected)
    }

    @Test("alpaca refuses a system message or several exchanges, and says which template to give")
    func alpacaRefusesConversations() {
        let alpaca = ConversationTemplate(.alpaca)
        let long = DatasetRecord.conversation([ChatMessage(.user, "a"), ChatMessage(.assistant, "b"), ChatMessage(.user, "c"), ChatMessage(.assistant, "d")])
        #expect(throws: TemplateError("the alpaca template holds one user message and the assistant's reply (Alpaca's instruction and output), this conversation has 4 messages: give template = \"chatml\", \"llama-2\" or \"model\"")) {
            try alpaca.render(long)
        }
        let withSystem = DatasetRecord.conversation([ChatMessage(.system, "s"), ChatMessage(.user, "a"), ChatMessage(.assistant, "b")])
        #expect(throws: TemplateError.self) { try alpaca.render(withSystem) }
    }

    @Test("Chat templates take an Alpaca record as one exchange: the instruction, a blank line and the input, then the output")
    func chatTemplatesOnAlpacaRecords() throws {
        let record = DatasetRecord.instruction(InstructionRecord(instruction: "Translate.", input: "Bonjour", output: "Hello"))
        #expect(try chatml.render(record).text == "<|im_start|>user\nTranslate.\n\nBonjour<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n")
        #expect(try llama2.render(.completion(prompt: "2 + 2 =", completion: "4")).text == "<s>[INST] 2 + 2 = [/INST] 4 </s>")
    }

    @Test("llama-2 writes the model's own BOS and EOS text")
    func llama2Specials() throws {
        var config = TokenizerConfig()
        config.bosToken = "<|begin|>"
        config.eosToken = "<|end|>"
        let template = try ConversationTemplate(.llama2, tokenizer: config, model: "m")
        #expect(try template.render(.completion(prompt: "a", completion: "b")).text == "<|begin|>[INST] a [/INST] b <|end|>")
    }

    @Test("model recognises ChatML and Llama 2 chat templates by their markers (Mistral's [INST] too)")
    func modelRecognised() throws {
        let goldens = try TemplateGoldens.load()
        var config = TokenizerConfig()
        config.chatTemplate = goldens.templates["chatml"]
        #expect(try ConversationTemplate(.model, tokenizer: config, model: "m").style == .chatml)
        config.chatTemplate = goldens.templates["llama-2"]
        #expect(try ConversationTemplate(.model, tokenizer: config, model: "m").style == .llama2)
        config.chatTemplate = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}"
        #expect(try ConversationTemplate(.model, tokenizer: config, model: "m").style == .llama2)
    }

    @Test("model with another chat template, or none, asks for an explicit template")
    func modelUnrecognised() {
        var config = TokenizerConfig()
        config.chatTemplate = "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] + '<|eot_id|>' }}{% endfor %}"
        #expect(throws: TemplateError("models/llama3's chat template is neither ChatML's (it writes <|im_start|>) nor Llama 2's (it writes [INST]): give template = \"chatml\", \"llama-2\" or \"alpaca\" instead of \"model\"")) {
            try ConversationTemplate(.model, tokenizer: config, model: "models/llama3")
        }
        #expect(throws: TemplateError("models/base has no chat template (tokenizer_config.json's chat_template or chat_template.jinja): give template = \"chatml\", \"llama-2\" or \"alpaca\" instead of \"model\"")) {
            try ConversationTemplate(.model, tokenizer: TokenizerConfig(), model: "models/base")
        }
        #expect(throws: TemplateError.self) { try ConversationTemplate(.model, tokenizer: nil, model: "m") }
    }

    @Test("A dataset file checked against a template names the first record it cannot hold by its line")
    func fileCheck() throws {
        let file = try DatasetFile.parse(Data("""
            {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
            {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
            """.utf8), file: "chat.jsonl")
        try file.check(chatml)
        do {
            try file.check(ConversationTemplate(.alpaca))
            Issue.record("the alpaca template took a system message")
        } catch {
            #expect(error.description.hasPrefix("chat.jsonl:2: the alpaca template holds one user message"))
            #expect(error.description.contains("a system message and 2 messages"))
        }
    }
}
