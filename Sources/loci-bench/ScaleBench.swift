import ArgumentParser
import Foundation
import Loci
import LociCommandLine

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
  @Option(help: "Sizes from this one up are built without geometry (search only, no re-ranking): a million images' geometry does not fit in 24 GB.")
  var searchOnlyFrom: Int?
  @OptionGroup var assigning: AssignmentOptions

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
    // Each distinct set's words once, up front, so no build row pays for them.
    var start = Date()
    for set in sets where set.count > 0 { _ = memo.assign(set.descriptors, k: 1) }
    let assignSeconds = Date().timeIntervalSince(start)
    print(String(format: "exact assignment of the distinct sets' %d descriptors: %.1f s (%.0f descriptors/s); not in the build times",
                 features, assignSeconds, Double(features) / assignSeconds))
    print("query words: \(assigning.wordAssignment)")
    print("size | layout | build s | in-memory bytes/image | peak RSS GB | .lidx bytes/image | search ms/query | search + HPM top 100 ms/query")
    for size in sizes {
      let searchOnly = searchOnlyFrom.map { size >= $0 } ?? false
      for parts in [1, shards] where parts >= 1 {
        start = Date()
        let built = try (0..<parts).map { part -> RetrievalIndex in
          let range = (size * part / parts)..<(size * (part + 1) / parts)
          var index = try template.replacingVocabulary(with: memo)
          index.keepsGeometry = !searchOnly
          var next = range.lowerBound
          // Batches of 256, as `loci index build` reads files (`Retrieval.buildIndex`).
          try index.add(batches: {
            guard next < range.upperBound else { return nil }
            let count = Swift.min(256, range.upperBound - next)
            defer { next += count }
            return (next..<(next + count)).map { sets[$0 % sets.count] }
          }, firstID: Int64(range.lowerBound))
          return try index.replacingVocabulary(with: flat).assigning(assigning.wordAssignment)
        }
        let buildSeconds = Date().timeIntervalSince(start)
        let memory = built.reduce(0) { $0 + payloadBytes($1) }
        var diskBytes = 0
        for (k, shard) in built.enumerated() {
          let url = URL(fileURLWithPath: work).appendingPathComponent("scale-\(size)-\(parts)-\(k).lidx")
          try IndexFile.write(shard, to: url)
          diskBytes += (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
          try FileManager.default.removeItem(at: url)
        }
        let index = try ShardedIndex(shards: built)
        var timings: [Double] = []
        for method in searchOnly ? [SpatialReranker.Method.none] : [.none, .hpm] {
          let reranker = SpatialReranker(method: method, shortlist: 100)
          start = Date()
          for query in querySets { _ = try index.search(query, reranker: reranker, top: 100) }
          timings.append(Date().timeIntervalSince(start) / Double(querySets.count) * 1000)
        }
        // Where a one-index search goes: quantising and embedding the query, then scoring
        // the posting lists (the rest of a search is ordering and re-ranking).
        if parts == 1 {
          let one = built[0]
          start = Date()
          let assigned = querySets.map { one.queryAssignments($0) }
          let quantise = Date().timeIntervalSince(start)
          start = Date()
          for (query, words) in zip(querySets, assigned) { _ = try one.score(query, assignments: words) }
          let scoring = Date().timeIntervalSince(start)
          print(String(format: "  one index, per query: %.1f ms quantising, %.1f ms embedding and scoring", quantise * 1000 / Double(querySets.count),
                       scoring * 1000 / Double(querySets.count)))
        }
        print(String(format: "%d | %@ | %.1f | %.0f | %.1f | %.0f | %.1f | %@", size,
                     (parts == 1 ? "one index" : "\(parts) shards") + (searchOnly ? ", no geometry" : ""),
                     buildSeconds, Double(memory) / Double(size), Double(peakResidentBytes()) / 1e9,
                     Double(diskBytes) / Double(size), timings[0], searchOnly ? "—" : String(format: "%.1f", timings[1])))
        fflush(stdout)
      }
    }
  }

  /// The bytes an index's arrays hold (posting lists, geometry, image records; not the
  /// vocabulary, which all sizes share): what it needs in memory, without allocator slack.
  func payloadBytes(_ index: RetrievalIndex) -> Int {
    let lists = index.lists.reduce(0) { $0 + 4 * $1.images.count + 8 * $1.codes.count + 4 * $1.values.count }
    let g = index.geometry
    let geometry = 8 * g.offsets.count + 4 * g.words.count + 4 * g.geometry.count + 8 * g.codes.count
    let images = index.images.reduce(0) { $0 + 48 + $1.path.utf8.count + $1.relativePath.utf8.count }
    return lists + geometry + images + 8 * index.bowNorms.count
  }

  /// This process's peak resident memory so far (`ru_maxrss`, kilobytes on Linux).
  func peakResidentBytes() -> Int {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return usage.ru_maxrss * 1024
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
