import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Whether a document parses as XML (Foundation's XMLParser, libxml2 underneath).
enum XMLCheck {
    static func isWellFormed(_ text: String) -> Bool {
        let parser = XMLParser(data: Data(text.utf8))
        return parser.parse()
    }
}
