import ArgumentParser
import Foundation
import Loci

/// Assignment throughput (descriptors per second, both cores) of exact and kd-forest
/// assignment for a trained vocabulary, with the kd-forest's recall@1 against exact; for a
/// DRVQ vocabulary also its three encoders (exact through the tree, approximate, fast); and
/// grouped assignment (`GroupedVocabulary`) at several probe counts, timed at `k` nearest
/// words with recall of the exact k nearest.
struct AssignmentBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "assignment")

  @Argument(help: "A .lvoc vocabulary.") var vocabulary: String
  @Argument(help: "Folder of .lfeat files to assign.") var features: String
  @Option var sample = 20000
  @Option(help: "Nearest words per descriptor for the exact-assignment timing (the index's queries use 5).") var k = 1
  @Option(parsing: .upToNextOption) var checks: [Int] = [64, 256, 1024]
  @Option(help: "Groups of the grouped vocabulary.") var groups = 64
  @Option(parsing: .upToNextOption, help: "Probed groups per descriptor, one row each.") var probes: [Int] = [4, 8, 16]

  func run() throws {
    let contents = try VocabularyFile.read(from: URL(fileURLWithPath: vocabulary))
    let flat = contents.vocabulary
    let data = try DescriptorSample.load(from: URL(fileURLWithPath: features), limit: sample, seed: 7)
    var start = Date()
    if k > 1 {
      _ = flat.assign(data.descriptors, k: k)
      print(String(format: "k=%d, %d descriptors: exact %d nearest words %.0f descriptors/s", flat.count, data.count, k,
                   Double(data.count) / Date().timeIntervalSince(start)))
      start = Date()
    }
    let exactK = flat.assign(data.descriptors, k: k)
    let exact = flat.assign(data.descriptors, k: 1)
    let exactSeconds = Date().timeIntervalSince(start)
    print(String(format: "k=%d, %d descriptors: exact %.0f descriptors/s", flat.count, data.count,
                 Double(data.count) / exactSeconds))
    if let drvq = contents.drvq {
      for encoder in DRVQVocabulary.Encoder.allCases {
        start = Date()
        let words = drvq.encode(data.descriptors, with: encoder)
        let seconds = Date().timeIntervalSince(start)
        let hits = (0..<data.count).filter { words[$0] == exact.words[$0] }.count
        print(String(format: "  DRVQ %@: %.0f descriptors/s, recall@1 %.3f", encoder.rawValue, Double(data.count) / seconds,
                     Double(hits) / Double(data.count)))
      }
    }
    start = Date()
    let grouping = GroupedVocabulary(base: flat, groups: groups, probes: 1)
    print(String(format: "  grouped: %d groups built in %.2f s", grouping.groupCount, Date().timeIntervalSince(start)))
    for p in probes {
      let grouped = GroupedVocabulary(base: flat, coarse: grouping.coarse, probes: p)
      start = Date()
      let approximate = grouped.assign(data.descriptors, k: k)
      let seconds = Date().timeIntervalSince(start)
      var first = 0, found = 0
      for i in 0..<data.count {
        if approximate.words[i * k] == exact.words[i] { first += 1 }
        let truth = Set(exactK.words[(i * k)..<((i + 1) * k)])
        found += approximate.words[(i * k)..<((i + 1) * k)].filter { truth.contains($0) }.count
      }
      print(String(format: "  grouped (%d probes): %.0f descriptors/s at k=%d, recall@1 %.3f, recall of the %d nearest %.3f", p,
                   Double(data.count) / seconds, k, Double(first) / Double(data.count), k,
                   Double(found) / Double(data.count * k)))
    }
    for c in checks {
      start = Date()
      let forest = KDForestVocabulary(base: flat, treeCount: 4, maxChecks: c)
      let build = Date().timeIntervalSince(start)
      start = Date()
      let approximate = forest.assign(data.descriptors, k: 1)
      let seconds = Date().timeIntervalSince(start)
      let hits = (0..<data.count).filter { approximate.words[$0] == exact.words[$0] }.count
      print(String(format: "  kd-forest (4 trees, %d checks): %.0f descriptors/s, recall@1 %.3f (built in %.2f s)", c,
                   Double(data.count) / seconds, Double(hits) / Double(data.count), build))
    }
  }
}
