/// A failure while running (a diverged run, a worker that could not start, an unwritable directory):
/// the CLI prints "Error: …" and exits with status 1.
public struct CommandError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Input the user must fix (an experiment file, a model directory, a dataset): the CLI prints
/// "Error: …" and exits with status 2, having written nothing.
public struct BadInput: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
