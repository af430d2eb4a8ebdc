// swift-tools-version: 6.1
// Micro-benchmarks of the training core's hot kernels, with ordo-one/benchmark:
//   cd Benchmarks && RUNTIME_INTERPOSER_LOCAL_PATH=$PWD/Stubs/swift-runtime-interposer swift package benchmark
// A package of its own, depending on the main one by path, so the main package's build never
// pulls ordo-one/benchmark in. (See README.md here for the environment variable.)
import PackageDescription

let package = Package(
    name: "lora-sweep-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "lora-sweep", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "TrainingCore",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Training", package: "lora-sweep"),
                .product(name: "Model", package: "lora-sweep"),
            ],
            path: "Benchmarks/TrainingCore",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
