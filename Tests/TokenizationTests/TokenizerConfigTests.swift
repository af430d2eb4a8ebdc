import Foundation
import Testing
import Tokenization

@Suite("tokenizer_config.json")
struct TokenizerConfigTests {
    @Test("The named special tokens and the chat template are read and exposed")
    func specialTokensAndChatTemplate() throws {
        let tokenizer = try TokenizerFixtures.tokenizer("llama3")
        #expect(tokenizer.config.bosToken == "<|begin_of_text|>")
        #expect(tokenizer.config.eosToken == "<|eot_id|>")
        #expect(tokenizer.bosTokenID == 400)
        #expect(tokenizer.eosTokenID == 404)
        #expect(tokenizer.config.chatTemplate?.hasPrefix("{{ bos_token }}{% for message in messages %}") == true)
        #expect(tokenizer.config.chatTemplates["default"] == tokenizer.config.chatTemplate)
    }

    @Test("add_bos_token replaces the post-processor, as transformers does, and tokenizer.json's is used otherwise")
    func addBOSToken() throws {
        let llama2 = try TokenizerFixtures.tokenizer("llama2")
        #expect(llama2.config.addBOSToken == true)
        #expect(llama2.encode("Hello").first == 1)
        let noConfig = try Tokenizer(file: TokenizerFixtures.modelDirectory("llama2").appendingPathComponent("tokenizer.json"))
        #expect(noConfig.encode("Hello") == llama2.encode("Hello"))
        var config = llama2.config
        config.addBOSToken = false
        config.addEOSToken = true
        let eosOnly = try Tokenizer(file: TokenizerFixtures.modelDirectory("llama2").appendingPathComponent("tokenizer.json"), config: config)
        #expect(eosOnly.encode("Hello") == llama2.encode("Hello", addSpecialTokens: false) + [2])
    }

    @Test("split_special_tokens makes special tokens' text plain text; non-special added tokens still match")
    func splitSpecialTokens() throws {
        let tokenizer = try TokenizerFixtures.tokenizer("llama3")
        let matched = tokenizer.encode("<|eot_id|> <tool>", addSpecialTokens: false)
        #expect(matched.first == 404)
        #expect(matched.last == tokenizer.id(for: "<tool>"))
        let split = tokenizer.encode("<|eot_id|> <tool>", addSpecialTokens: false, splitSpecialTokens: true)
        #expect(!split.contains(404))
        #expect(split.last == tokenizer.id(for: "<tool>"))
        #expect(tokenizer.decode(split, skipSpecialTokens: true) == "<|eot_id|><tool>")  // <tool> takes the space (lstrip)
    }

    @Test("A chat template in chat_template.jinja is read when tokenizer_config.json has none")
    func chatTemplateFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("TokenizationTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in ["tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: TokenizerFixtures.modelDirectory("gpt2").appendingPathComponent(file),
                                             to: directory.appendingPathComponent(file))
        }
        try Data("{{ messages[0]['content'] }}".utf8).write(to: directory.appendingPathComponent("chat_template.jinja"))
        #expect(try Tokenizer(directory: directory).config.chatTemplate == "{{ messages[0]['content'] }}")
    }
}
