import ArgumentParser
import Foundation
import Loci

/// The cost curve of an index as it grows: real features (a folder of `.lfeat` files, e.g.
/// the SMVS database with its distractors) repeated under new image identifiers up to each
/// size, as one index and as shards queried as one. Per size and layout: build time, resident
/// memory and `.lidx` bytes per image, and query time (search alone, and search + HPM
/// re-ranking of the top 100) for real query features.
///
/// Repeating a set repeats its descriptors, so its word assignment is computed once and
/// reused (`RepeatedSetAssignment`): build times are the index's own work (embedding,
/// posting lists, geometry, statistics) plus one assignment per distinct set. Posting lists
/// grow exactly as with new images of the same statistics; scores tie between copies, which
/// costs the ranking nothing.
struct ScaleBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "scale")

  @Argument(help: "A .lvoc vocabulary.") var vocabulary: String
  @Argument(help: "Folder of database .lfeat files, repeated up to each size.") var database: String
  @Argument(help: "Folder of query .lfeat files.") var queries: String
  @Option(parsing: .upToNextOption) var sizes: [Int] = [10_000, 100_000]
  @Option var shards = 4
  @Option(help: "Queries timed per size and layout.") var queryCount = 50
  @Option(help: "Folder for the .lidx files written to measure their size (deleted after).") var work = "/tmp/loci-scale"

  func run() throws {
    let vocabularyURL = URL(fileURLWithPath: vocabulary)
    let flat = try VocabularyFile.read(from: vocabularyURL).vocabulary
    let template = try Retrieval.makeTemplate(trainingFolders: [URL(fileURLWithPath: database)], vocabularyURL: vocabularyURL,
                                              options: IndexOptions())
    let sets = try Retrieval.loadFeatures(try FeatureFolder.files(in: [URL(fileURLWithPath: database)]), dimension: flat.dimension)
    let querySets = Array(try Retrieval.loadFeatures(try FeatureFolder.files(in: [URL(fileURLWithPath: queries)]),
                                                     dimension: flat.dimension).prefix(queryCount))
    let features = sets.reduce(0) { $0 + $1.count }
    print(String(format: "%d distinct database images (%.0f features each on average), %d queries, %d words",
                 sets.count, Double(features) / Double(sets.count), querySets.count, flat.count))
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    let memo = RepeatedSetAssignment(base: flat)
    print("size | layout | build s | RSS bytes/image | .lidx bytes/image | search ms/query | search + HPM top 100 ms/query")
    for size in sizes {
      for parts in [1, shards] where parts >= 1 {
        let before = residentBytes()
        var start = Date()
        let built = try (0..<parts).map { part -> RetrievalIndex in
          let range = (size * part / parts)..<(size * (part + 1) / parts)
          var index = try template.replacingVocabulary(with: memo)
          var next = range.lowerBound
          while next < range.upperBound {
            let count = Swift.min(sets.count, range.upperBound - next)
            try index.add(Array(sets.prefix(count)), ids: (next..<(next + count)).map { Int64($0) })
            next += count
          }
          return try index.replacingVocabulary(with: flat)
        }
        let buildSeconds = Date().timeIntervalSince(start)
        let memory = residentBytes() - before
        var diskBytes = 0
        for (k, shard) in built.enumerated() {
          let url = URL(fileURLWithPath: work).appendingPathComponent("scale-\(size)-\(parts)-\(k).lidx")
          try IndexFile.write(shard, to: url)
          diskBytes += (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
          try FileManager.default.removeItem(at: url)
        }
        let index = try ShardedIndex(shards: built)
        var timings: [Double] = []
        for method in [SpatialReranker.Method.none, .hpm] {
          let reranker = SpatialReranker(method: method, shortlist: 100)
          start = Date()
          for query in querySets { _ = try index.search(query, reranker: reranker) }
          timings.append(Date().timeIntervalSince(start) / Double(querySets.count) * 1000)
        }
        print(String(format: "%d | %@ | %.1f | %.0f | %.0f | %.1f | %.1f", size, parts == 1 ? "one index" : "\(parts) shards",
                     buildSeconds, Double(memory) / Double(size), Double(diskBytes) / Double(size), timings[0], timings[1]))
        fflush(stdout)
      }
    }
  }

  /// This process's resident memory (VmRSS).
  func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kB = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else { return 0 }
    return kB * 1024
  }
}

/// Exact assignment that remembers the words of each descriptor array it has assigned (by
/// storage address, count and k): a repeated feature set shares its array's storage, so its
/// words are computed once. Only for the scale benchmark's repeated sets.
final class RepeatedSetAssignment: CentroidVocabulary, @unchecked Sendable {
  let base: FlatVocabulary
  private var known: [String: Assignment] = [:]
  private let lock = NSLock()

  init(base: FlatVocabulary) { self.base = base }

  var dimension: Int { base.dimension }
  var count: Int { base.count }
  var centroids: [Float] { base.centroids }

  func assign(_ descriptors: [Float], k: Int) -> Assignment {
    let address = descriptors.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    let key = "\(address) \(descriptors.count) \(k)"
    lock.lock()
    if let hit = known[key] { lock.unlock(); return hit }
    lock.unlock()
    let words = base.assign(descriptors, k: k)
    lock.lock()
    known[key] = words
    lock.unlock()
    return words
  }
}
