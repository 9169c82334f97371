import ArgumentParser
import Loci

/// How `loci query`, `loci eval map` and `loci serve` assign a query's descriptors to words
/// (`WordAssignment`), with the library's default.
package struct AssignmentOptions: ParsableArguments {
  package enum Method: String, ExpressibleByArgument, CaseIterable {
    case exact, grouped
  }

  @Option(help: "How query descriptors find their nearest words: exact (every word) or grouped (the words of the nearest --probes of 64 word groups).")
  package var wordSearch: Method = Retrieval.defaultAssignment == .exact ? .exact : .grouped
  @Option(help: "Grouped assignment: word groups searched per descriptor (1…64; more: closer to exact, slower).")
  package var probes: Int = Retrieval.defaultAssignmentProbes

  package init() {}

  package func validate() throws {
    guard (1...WordAssignment.groupCount).contains(probes) else {
      throw ValidationError("--probes must be 1…\(WordAssignment.groupCount)")
    }
  }

  package var wordAssignment: WordAssignment {
    wordSearch == .exact ? .exact : .grouped(probes: probes)
  }
}
