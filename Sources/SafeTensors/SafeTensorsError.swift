/// A safetensors file that cannot be read or written, with the file and the exact problem.
///
/// `description` reads `path: problem`, or `path: tensor "name": problem` when one tensor is at fault.
public struct SafeTensorsError: Error, CustomStringConvertible, Sendable {
    /// The file being read or written (`<memory>` for bytes that came from no file).
    public let path: String
    /// The tensor at fault, if the problem concerns one.
    public let tensor: String?
    /// What is wrong, and where useful what was expected.
    public let problem: String

    public init(path: String, tensor: String? = nil, _ problem: String) {
        self.path = path
        self.tensor = tensor
        self.problem = problem
    }

    public var description: String {
        if let tensor { "\(path): tensor \"\(tensor)\": \(problem)" } else { "\(path): \(problem)" }
    }
}
