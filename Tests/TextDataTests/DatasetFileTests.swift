import Foundation
import Testing
import TextData

@Suite("Dataset files: Alpaca, chat and prompt/completion JSON Lines, checked line by line")
struct DatasetFileTests {
    func parse(_ text: String) throws(DatasetFileError) -> DatasetFile {
        try DatasetFile.parse(Data(text.utf8), file: "data.jsonl")
    }

    /// The error `text` gives, as the CLI prints it; nil when it parses.
    func problem(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("Alpaca lines read as instruction records, as AlpacaFile reads them")
    func alpaca() throws {
        let file = try parse("""
            {"instruction": "Who founded Belmora?", "output": "Edwin Marsh"}
            {"instruction": "Rewrite in the past tense.", "input": "The girl breaks the vase.", "output": "The girl broke the vase."}
            """)
        #expect(file.format == .alpaca)
        #expect(file.records == [
            .instruction(InstructionRecord(instruction: "Who founded Belmora?", output: "Edwin Marsh")),
            .instruction(InstructionRecord(instruction: "Rewrite in the past tense.", input: "The girl breaks the vase.",
                                           output: "The girl broke the vase.")),
        ])
        #expect(file.locations == [.line(1), .line(2)])
    }

    @Test("Chat lines read as conversations: an optional system message, then user and assistant in turn")
    func chat() throws {
        let file = try parse("""
            {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}

            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2 + 2?"}, {"role": "assistant", "content": "4"}, {"role": "user", "content": "And 3 + 3?"}, {"role": "assistant", "content": "6"}], "id": 7}
            """)
        #expect(file.format == .chat)
        #expect(file.records == [
            .conversation([ChatMessage(.user, "Hi"), ChatMessage(.assistant, "Hello.")]),
            .conversation([ChatMessage(.system, "Be brief."), ChatMessage(.user, "2 + 2?"), ChatMessage(.assistant, "4"),
                           ChatMessage(.user, "And 3 + 3?"), ChatMessage(.assistant, "6")]),
        ])
        #expect(file.locations == [.line(1), .line(3)])
    }

    @Test("Prompt/completion lines read as completions; a JSON array of any layout reads too")
    func promptCompletion() throws {
        let file = try parse("{\"prompt\": \"2 + 2 =\", \"completion\": \" 4\"}\r\n{\"prompt\": \"\", \"completion\": \"anything\"}\n")
        #expect(file.format == .promptCompletion)
        #expect(file.records == [.completion(prompt: "2 + 2 =", completion: " 4"), .completion(prompt: "", completion: "anything")])
        let array = try parse("[{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}]")
        #expect(array.format == .chat && array.locations == [.index(0)])
    }

    @Test("A line that is not JSON, not an object, or of no known layout names the line and what was expected")
    func unknownLines() {
        let good = "{\"prompt\": \"a\", \"completion\": \"b\"}"
        #expect(problem("\(good)\n{\"prompt\": \"a\"")?.hasPrefix("data.jsonl:2: is not valid JSON") == true)
        #expect(problem("\(good)\n[1, 2]")
            == "data.jsonl:2: is an array, expected an object: {\"instruction\", \"input\", \"output\"} (Alpaca), {\"messages\": [{\"role\", \"content\"}, …]} (chat) or {\"prompt\", \"completion\"}")
        #expect(problem("{\"prompt\": \"a\", \"response\": \"b\"}")
            == "data.jsonl:1: has keys \"prompt\", \"response\"; expected {\"instruction\", \"input\", \"output\"} (Alpaca), {\"messages\": [{\"role\", \"content\"}, …]} (chat) or {\"prompt\", \"completion\"}")
        #expect(problem("\n  \n")?.hasPrefix("data.jsonl: holds no records") == true)
    }

    @Test("One file holds one layout: a line of another is refused, naming both")
    func mixedLayouts() {
        #expect(problem("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"instruction\": \"a\", \"output\": \"b\"}")
            == "data.jsonl:2: is an Alpaca object ({\"instruction\", \"input\", \"output\"}), but the first record made this a file of prompt/completion records: one file holds one layout")
    }

    @Test("Bad Alpaca fields are named as AlpacaFile names them")
    func badAlpaca() {
        #expect(problem("{\"instruction\": \"a\", \"input\": 3, \"output\": \"b\"}") == "data.jsonl:1: \"input\" is an integer, expected a string")
        #expect(problem("{\"instruction\": \"a\", \"output\": \"\"}") == "data.jsonl:1: \"output\" is empty: nothing to learn")
    }

    @Test("Bad prompt/completion fields: a completion that is empty or not a string, a conversational prompt")
    func badPromptCompletion() {
        #expect(problem("{\"prompt\": \"a\", \"completion\": \"\"}") == "data.jsonl:1: \"completion\" is empty: nothing to learn")
        #expect(problem("{\"prompt\": 1, \"completion\": \"b\"}") == "data.jsonl:1: \"prompt\" is an integer, expected a string")
        #expect(problem("{\"prompt\": [{\"role\": \"user\", \"content\": \"a\"}], \"completion\": \"b\"}")
            == "data.jsonl:1: \"prompt\" is an array, expected a string (conversational prompts are read from {\"messages\": […]})")
    }

    @Test("Bad messages name the message's field: its type, role, content, and the turn order")
    func badMessages() {
        func chat(_ messages: String) -> String? { problem("{\"messages\": \(messages)}") }
        let user = "{\"role\": \"user\", \"content\": \"Hi\"}"
        let assistant = "{\"role\": \"assistant\", \"content\": \"Hello\"}"
        let system = "{\"role\": \"system\", \"content\": \"Be brief.\"}"
        #expect(chat("\"Hi\"") == "data.jsonl:1: \"messages\" is a string, expected an array of {\"role\", \"content\"} objects")
        #expect(chat("[]") == "data.jsonl:1: \"messages\" is empty, expected user and assistant messages ending with the assistant's")
        #expect(chat("[\(user), 3]") == "data.jsonl:1: \"messages[1]\" is an integer, expected an object {\"role\", \"content\"}")
        #expect(chat("[{\"role\": \"tool\", \"content\": \"x\"}]") == "data.jsonl:1: \"messages[0].role\" is \"tool\", expected one of system, user, assistant")
        #expect(chat("[{\"content\": \"x\"}]") == "data.jsonl:1: \"messages[0].role\" is missing, expected one of system, user, assistant")
        #expect(chat("[{\"role\": \"user\"}]") == "data.jsonl:1: \"messages[0].content\" is missing, expected a string")
        #expect(chat("[\(user), {\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"x\"}]}]")
            == "data.jsonl:1: \"messages[1].content\" is an array, expected a string (messages made of parts are not supported)")
        #expect(chat("[\(user), {\"role\": \"assistant\", \"content\": \"\"}]") == "data.jsonl:1: \"messages[1].content\" is empty: nothing to learn")
        #expect(chat("[\(assistant)]")
            == "data.jsonl:1: \"messages[0].role\" is \"assistant\", expected \"user\": after an optional system message, user and assistant take turns, the user first")
        #expect(chat("[\(user), \(user), \(assistant)]")
            == "data.jsonl:1: \"messages[1].role\" is \"user\", expected \"assistant\": after an optional system message, user and assistant take turns, the user first")
        #expect(chat("[\(user), \(system), \(assistant)]") == "data.jsonl:1: \"messages[1].role\" is \"system\" after other messages: a system message comes first, once")
        #expect(chat("[\(system), \(user)]") == "data.jsonl:1: \"messages\" ends with a user message: the assistant's reply comes last (it is what is learned)")
        #expect(chat("[\(system)]") == "data.jsonl:1: \"messages\" ends with a system message: the assistant's reply comes last (it is what is learned)")
    }

    @Test("Errors in a JSON array name the item")
    func arrayItems() {
        #expect(problem("[{\"prompt\": \"a\", \"completion\": \"b\"}, {\"prompt\": \"a\", \"completion\": 2}]")
            == "data.jsonl: item [1]: \"completion\" is an integer, expected a string")
    }

    @Test("Every record's JSON line reads back as the same record; Alpaca lines are AlpacaFile's")
    func jsonLines() throws {
        let records: [DatasetRecord] = [
            .conversation([ChatMessage(.system, "Quote \"this\""), ChatMessage(.user, "line\none"), ChatMessage(.assistant, "naïve 🙂")]),
        ]
        #expect(try parse(records.map(\.jsonLine).joined(separator: "\n")).records == records)
        let alpaca = InstructionRecord(instruction: "a\tb", input: "c", output: "d")
        #expect(DatasetRecord.instruction(alpaca).jsonLine + "\n" == AlpacaFile.alpacaJSONLines([alpaca]))
        #expect(try parse(DatasetRecord.completion(prompt: "p", completion: "c").jsonLine).records == [.completion(prompt: "p", completion: "c")])
    }

    @Test("A missing file is an error naming it")
    func missingFile() {
        #expect(throws: DatasetFileError.self) { try DatasetFile.read(URL(filePath: "/nonexistent/chat.jsonl")) }
    }
}

@Suite("Randomly mutated dataset files")
struct DatasetFileMutationTests {
    static let seedFile = """
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
        {"prompt": "2 + 2 =", "completion": " 4"}
        {"instruction": "Say hi.", "input": "", "output": "hi"}
        [{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}]
        """

    @Test("500 mutated files either read or throw an error that names the file, never crash")
    func mutations() {
        var random = WorldRandom(seed: 7)
        let alphabet = Array("{}[]\":,\\ \nabc0-".utf8) + [0xFF, 0x00]
        for _ in 0..<500 {
            var bytes = Array(Self.seedFile.utf8)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: at)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            do {
                let file = try DatasetFile.parse(Data(bytes), file: "fuzz.jsonl")
                #expect(file.records.count == file.locations.count)
                for template in [ConversationTemplate(.alpaca), ConversationTemplate(.chatml), ConversationTemplate(.llama2)] {
                    try? file.check(template)
                }
            } catch {
                #expect(error.description.hasPrefix("fuzz.jsonl"))
            }
        }
    }
}
