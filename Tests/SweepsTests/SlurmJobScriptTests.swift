import Foundation
import Testing
@testable import Sweeps

@Suite("A Slurm submission's job script")
struct SlurmJobScriptTests {
    static func options() -> SlurmArray.Options {
        var options = SlurmArray.Options(partition: "cpu", maxParallel: 4, time: "0:30:00", cpusPerTask: 2, directory: "results/slurm")
        options.account = "lab"
        options.qos = "normal"
        options.memory = "4G"
        options.gres = "gpu:1"
        options.extraArguments = ["--constraint=avx2", "--exclusive"]
        return options
    }

    @Test func everySiteOptionBecomesOneSbatchLineInAFixedOrder() {
        let script = SlurmArray.jobScript(experiment: "grid", count: 9, directory: URL(fileURLWithPath: "/shared/grid-1"),
                                          options: Self.options())
        let sbatch = script.split(separator: "\n").filter { $0.hasPrefix("#SBATCH") }
        #expect(sbatch == [
            "#SBATCH --job-name=lora-sweep-grid", "#SBATCH --array=0-8%4", "#SBATCH --output=/shared/grid-1/logs/%A_%a.out",
            "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=0:30:00", "#SBATCH --account=lab",
            "#SBATCH --qos=normal", "#SBATCH --mem=4G", "#SBATCH --gres=gpu:1", "#SBATCH --constraint=avx2", "#SBATCH --exclusive",
        ])
    }

    @Test func optionsThatWouldBreakTheScriptAreProblems() {
        #expect(Self.options().problems().isEmpty)
        var options = Self.options()
        options.account = "lab\n#SBATCH --qos=high"
        options.extraArguments = ["constraint=avx2"]
        options.maxParallel = 0
        #expect(options.problems().count == 3)
    }
}
