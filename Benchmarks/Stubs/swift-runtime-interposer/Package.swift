// swift-tools-version: 5.10
// A stand-in for ordo-one/swift-runtime-interposer, which this machine's package mirror lacks:
// benchmark 1.38.1 declares it on Linux with Swift 6.3 whatever traits are enabled, but links it
// only with its "RuntimeInterposer" trait, which Benchmarks/Package.swift leaves off. Point
// RUNTIME_INTERPOSER_LOCAL_PATH here; where the real package is reachable, leave it unset.
import PackageDescription

let package = Package(
    name: "swift-runtime-interposer",
    products: [.library(name: "SwiftRuntimeInterposerSwift", targets: ["SwiftRuntimeInterposerSwift"])],
    targets: [.target(name: "SwiftRuntimeInterposerSwift")]
)
