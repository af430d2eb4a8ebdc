import Testing
@testable import ResultsStore
