import ArgumentParser
import Experiments
import Sweeps

/// `sweep knobs`: the knob table that experiment files, `sweep finetune` flags and the database share.
struct Knobs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every knob of a run: its experiment-file key, its finetune flag, what it takes, its default.",
        discussion: """
            One table defines the knobs (Sources/Experiments/Knob.swift): experiment files' [defaults], \
            [grid], [[include]] and [[exclude]] read it, `sweep finetune` takes the same knobs as flags \
            with the same defaults, and run ids hash the configuration they resolve to.

              sweep knobs
            """)

    func run() {
        for knob in Knob.allCases {
            let value = knob.builtInDefault?.description ?? "(absent)"
            print("\(knob.rawValue) (\(knob.flag)): \(knob.expected); default \(value)")
            print("    \(knob.help)")
        }
    }
}
