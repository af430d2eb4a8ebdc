import Crypto
import Foundation

/// SHA-256 of `data` in lower-case hex: run ids, recipe hashes, model and dataset fingerprints.
public func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
