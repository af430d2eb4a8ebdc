import Adapters
import Model
import Testing

@Suite("LoRA knobs")
struct LoRAConfigTests {
    @Test("The scale is alpha/r, or alpha/√r with rsLoRA")
    func scale() {
        #expect(LoRAConfig(rank: 8, alpha: 16).scale == 2)
        #expect(LoRAConfig(rank: 16, alpha: 16, useRSLoRA: true).scale == 4)
    }

    @Test("Targets parse from short names, module names and groups")
    func targets() throws {
        #expect(try LoRAConfig.parseTargets("q,v") == [.q, .v])
        #expect(try LoRAConfig.parseTargets("q_proj, lm_head") == [.q, .head])
        #expect(try LoRAConfig.parseTargets("attention") == [.q, .k, .v, .o])
        #expect(try LoRAConfig.parseTargets("mlp,head") == [.gate, .up, .down, .head])
        #expect(try LoRAConfig.parseTargets("all") == Set(ProjectionSite.allCases))
        #expect(throws: LoRAConfigError.self) { try LoRAConfig.parseTargets("q,query") }
    }
}
