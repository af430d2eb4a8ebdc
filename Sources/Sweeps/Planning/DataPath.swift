import Foundation

/// Where a data path an experiment file writes (`dataset`, `heldout`) points.
///
/// A relative path resolves from the experiment file's directory, so a study and its data can move
/// together. A path found only from the current directory — what relative paths meant before — still
/// resolves there, so older files keep working. Absolute paths are as written.
public enum DataPath {
    /// `written` resolved from `directory` (the experiment file's; nil: the current directory).
    public static func resolve(_ written: String, from directory: String?) -> String {
        guard let directory, !written.hasPrefix("/") else { return written }
        let beside = URL(fileURLWithPath: directory).appendingPathComponent(written).standardizedFileURL.path
        let files = FileManager.default
        if !files.fileExists(atPath: beside), files.fileExists(atPath: written) { return written }
        return beside
    }

    /// The directory relative data paths of the experiment file at `path` resolve from, absolute.
    public static func directory(ofExperimentFile path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
    }
}
