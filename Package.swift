// swift-tools-version: 6.1
import PackageDescription

// The elementwise kernels and the optimizer run 8 floats per instruction with AVX2 (x86-64 CPUs since
// 2013), square roots included once they need not set errno, and are optimised in debug builds too
// (unspecialised SIMD code at -Onone made the whole-model gradient test 20× slower). No multiply-add
// is fused and nothing is reassociated, so every build gives the same bits.
#if arch(x86_64)
let vectorSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-fno-math-errno"]), .unsafeFlags(["-O"], .when(configuration: .debug))]
#else
let vectorSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
#endif

let package = Package(
    name: "lora-sweep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sweep", targets: ["sweep"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Training", targets: ["Training"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // OpenBLAS through pkg-config; `make setup` installs it.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // The project's vocabulary, defined once: projections and target groups, optimizers, schedules,
        // quantizations, benchmarks, metric names, run statuses.
        .target(name: "Vocabulary"),
        // Pure maths on buffers: matmul, RMSNorm, RoPE, attention, SwiGLU, embedding, cross-entropy.
        .target(name: "Kernels", dependencies: ["CBLAS"], swiftSettings: vectorSettings),
        // JSON values checked field by field, for readers whose errors name the field.
        .target(name: "JSON"),
        // The safetensors file format: reading (F32, F16, BF16) and writing (F32).
        .target(name: "SafeTensors", dependencies: ["JSON"]),
        // The Llama model: config, parameter layout, activations, forward/backward, checkpoints.
        .target(name: "Model", dependencies: ["Vocabulary", "Kernels", "SafeTensors"]),
        // Hugging Face tokenizer.json: normalize → pre-tokenize → BPE → post-process → decode, as
        // `tokenizers` and transformers read it; the project's own byte-level BPE and its training.
        .target(name: "Tokenization", dependencies: ["JSON"]),
        // Text: the synthetic task world, corpora, instruction sets; dataset files (Alpaca, chat,
        // prompt/completion) and the prompt templates that lay them out with their loss masks.
        .target(name: "TextData", dependencies: ["Vocabulary", "JSON", "Tokenization"]),
        // LoRA adapters, NF4-quantized frozen weights (QLoRA), merging, PEFT's adapter format.
        .target(name: "Adapters", dependencies: ["Model", "Kernels", "SafeTensors"]),
        // Benchmarks built from the task world, scored as lm-evaluation-harness scores them.
        .target(name: "Evaluation", dependencies: ["Vocabulary", "Model", "Adapters", "Tokenization", "TextData", "Kernels"]),
        // Optimizers, schedules, data loading, pretraining and fine-tuning loops.
        .target(name: "Training", dependencies: ["Model", "Adapters", "Kernels", "SafeTensors"], swiftSettings: vectorSettings),
        // Experiment files (TOML): header, defaults, grid, derived knobs; expansion into runs with stable ids.
        .target(name: "Experiments", dependencies: [
            "Vocabulary", "JSON", "TextData",
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The results store: runs, metrics and loss curves in SQLite through GRDB.
        .target(name: "ResultsStore", dependencies: ["Vocabulary", .product(name: "GRDB", package: "GRDB.swift")]),
        // Markdown tables and SVG charts rendered from stored runs, byte for byte repeatable.
        .target(name: "Reports", dependencies: ["Vocabulary"]),
        // The pipeline: experiment files → plans with run ids → scheduling → execution (worker processes
        // or a Slurm array) → the results store → reports and findings.
        .target(name: "Sweeps", dependencies: [
            "Vocabulary", "Kernels", "Model", "Adapters", "Training", "Tokenization", "TextData", "Evaluation",
            "Experiments", "ResultsStore", "Reports",
        ]),
        // The command-line interface: parsing, help and printing only.
        .executableTarget(
            name: "sweep",
            dependencies: [
                "Sweeps", "Kernels", "Model", "Adapters", "Training", "Tokenization", "TextData", "Evaluation",
                "Experiments", "ResultsStore", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["Kernels", "Model"], path: "Tests/TestSupport"),
        
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Training", "TestSupport"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "JSON"], exclude: ["fixtures"]),
        .testTarget(name: "TextDataTests", dependencies: ["TextData", "Tokenization", "Vocabulary"], exclude: ["hf_tokenizer_check.py", "fixtures"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Model", "Tokenization", "TextData", "TestSupport"]),
        .testTarget(name: "AdaptersTests", dependencies: ["Adapters", "Model", "Training", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Model", "Vocabulary", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "TextData"]),
        .testTarget(name: "ResultsStoreTests", dependencies: ["ResultsStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Vocabulary"]),
        .testTarget(name: "SweepsTests", dependencies: [
            "Sweeps", "Experiments", "ResultsStore", "Adapters", "TestSupport", "TextData", "Tokenization", "Training", "Evaluation", "Kernels",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
