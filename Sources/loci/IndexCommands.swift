import ArgumentParser
import Foundation
import Loci
import LociCommandLine

extension IndexKernel: ExpressibleByArgument {}
extension Binarisation: ExpressibleByArgument {}
extension SpatialReranker.Method: ExpressibleByArgument {}

/// `loci index build|add`: inverted-file indexes over `featurize` output.
struct IndexCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "index", abstract: "Build and extend retrieval indexes (.lidx).", subcommands: [Init.self, Build.self, Add.self])

  struct Report: Encodable {
    var images: Int
    var added: Int
    var features: Int
    var seconds: Double
    var bytes: Int
    var kernel: String
    /// Feature files left out because they could not be read.
    var skipped: [[String: String]]
  }

  /// Prints what was written to `url`.
  /// The index and query options `index build` and `index init` take from their flags.
  static func options(kernel: IndexKernel, binarisation: Binarisation, idf: Bool, queryAssignments: Int)
    -> (IndexOptions, QueryOptions) {
    var options = IndexOptions()
    options.kernel = kernel
    options.binarisation = binarisation
    options.useIDF = idf
    var queryOptions = QueryOptions()
    queryOptions.multipleAssignment = queryAssignments
    return (options, queryOptions)
  }

  static func report(_ index: RetrievalIndex, added: Int, to url: URL, start: Date, json: Bool, skipped: SkippedFiles) throws {
    let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    let report = Report(images: index.images.count, added: added, features: index.geometry.words.count,
                        seconds: Date().timeIntervalSince(start), bytes: bytes, kernel: index.options.kernel.rawValue,
                        skipped: skipped.list)
    if json { try printJSON(report) } else {
      print("\(report.images) images (\(added) added), \(report.features) features, \(bytes) bytes, "
        + String(format: "%.2f s", report.seconds) + " → \(url.path)")
    }
  }

  struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Index the .lfeat files of a folder (recursively).")

    @Argument(help: "Folder of .lfeat files from featurize.") var features: String
    @Option(help: "Vocabulary (.lvoc) from `loci vocab train` (or give --template).") var vocab: String?
    @Option(help: "Build a shard from this template (`loci index init`) instead of training an embedding.") var template: String?
    @Option(help: "With --template: the first image identifier (shards of one collection need disjoint ranges).")
    var firstId: Int64 = 0
    @Option(help: "Output .lidx file (written atomically).") var out: String
    @Option(help: "Kernel: \(IndexKernel.allCases.map(\.rawValue).joined(separator: ", ")).") var kernel: IndexKernel = .asmkStar
    @Option(help: "ASMK* binarisation: medians (ICCV'13) or sign (the Python asmk package).")
    var binarisation: Binarisation = .medians
    @Option(help: "Query-side multiple assignment (the default of the index's queries).")
    var queryAssignments: Int = QueryOptions().multipleAssignment
    @Flag(inversion: .prefixedNo, help: "Weigh words by idf.") var idf = IndexOptions().useIDF
    @Flag(help: "Stop at the first unreadable feature file (default: report it, leave it out, exit 1 at the end).")
    var strict = false
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
      guard queryAssignments >= 1 else { throw ValidationError("--query-assignments must be at least 1") }
      guard (vocab == nil) != (template == nil) else { throw ValidationError("give --vocab or --template (one of them)") }
      guard firstId >= 0 else { throw ValidationError("--first-id must not be negative") }
    }

    func run() throws {
      let start = Date()
      let index: RetrievalIndex
      let skipped = SkippedFiles(command: "loci index build")
      do {
        let folders = [URL(fileURLWithPath: features)]
        if let template {
          let shared = try IndexFile.read(from: URL(fileURLWithPath: template))
          index = try Retrieval.buildShard(folders: folders, template: shared, firstID: firstId,
                                           skipUnreadable: skipped.handler(strict: strict))
        } else {
          let (options, queryOptions) = IndexCommand.options(kernel: kernel, binarisation: binarisation, idf: idf,
                                                             queryAssignments: queryAssignments)
          index = try Retrieval.buildIndex(folders: folders, vocabularyURL: URL(fileURLWithPath: vocab!), options: options,
                                           queryOptions: queryOptions, skipUnreadable: skipped.handler(strict: strict))
        }
      } catch {
        printError("loci index build: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      try IndexCommand.write(index, to: out, command: "loci index build")
      try IndexCommand.report(index, added: index.images.count, to: URL(fileURLWithPath: out), start: start, json: json, skipped: skipped)
      try skipped.exitIfAny()
    }
  }

  /// `loci index init`: a template that shards built apart share.
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "An index template for shards: vocabulary, kernel, options and the binary embedding, no images.",
      discussion: "Build shards anywhere with `loci index build FEATURES --template TEMPLATE.lidx --first-id N --out SHARD.lidx`; `loci query FOLDER` queries a folder of shards as one index (same ranking and scores as a single index over the same images).")

    @Option(help: "Vocabulary (.lvoc) from `loci vocab train`.") var vocab: String
    @Option(help: "Folder of .lfeat files whose descriptors train the binary embedding (a sample of the collection).") var train: String
    @Option(help: "Output template (.lidx).") var out: String
    @Option(help: "Kernel: \(IndexKernel.allCases.map(\.rawValue).joined(separator: ", ")).") var kernel: IndexKernel = .asmkStar
    @Option(help: "ASMK* binarisation: medians or sign.") var binarisation: Binarisation = .medians
    @Option(help: "Query-side multiple assignment (the default of the index's queries).")
    var queryAssignments: Int = QueryOptions().multipleAssignment
    @Flag(inversion: .prefixedNo, help: "Weigh words by idf.") var idf = IndexOptions().useIDF
    @Option(help: "At most this many training descriptors (a seeded, even sample).") var trainingLimit = 200_000
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
      guard queryAssignments >= 1 else { throw ValidationError("--query-assignments must be at least 1") }
      guard trainingLimit >= 1 else { throw ValidationError("--training-limit must be at least 1") }
    }

    func run() throws {
      let start = Date()
      let (options, queryOptions) = IndexCommand.options(kernel: kernel, binarisation: binarisation, idf: idf,
                                                         queryAssignments: queryAssignments)
      let skipped = SkippedFiles(command: "loci index init")
      let template: RetrievalIndex
      do {
        template = try Retrieval.makeTemplate(trainingFolders: [URL(fileURLWithPath: train)], vocabularyURL: URL(fileURLWithPath: vocab),
                                              options: options, queryOptions: queryOptions, trainingLimit: trainingLimit,
                                              skipUnreadable: skipped.handler(strict: false))
      } catch {
        printError("loci index init: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      try IndexCommand.write(template, to: out, command: "loci index init")
      try IndexCommand.report(template, added: 0, to: URL(fileURLWithPath: out), start: start, json: json, skipped: skipped)
      try skipped.exitIfAny()
    }
  }

  /// Writes an index atomically under its write lock, creating its folder when missing (as
  /// featurize creates `--out`); a failure is exit status 1.
  static func write(_ index: RetrievalIndex, to path: String, command: String) throws {
    let url = URL(fileURLWithPath: path)
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try IndexFile.withWriteLock(on: url, whileWaiting: { printNote("\(command): waiting for another writer of \(path)") }) {
        try IndexFile.write(index, to: url)
      }
    } catch {
      printError("\(command): \(error)")
      throw ExitCode(ExitStatus.someInputsFailed.rawValue)
    }
  }

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add the .lfeat files of folders to an index (images already in it are skipped); idf and norms stay exact.")

    @Argument(help: "The .lidx file to extend (rewritten atomically).") var index: String
    @Argument(help: "Folders of .lfeat files.") var features: [String]
    @Option(help: "The vocabulary, when it has moved since the index was built.") var vocab: String?
    @Flag(help: "Stop at the first unreadable feature file (default: report it, leave it out, exit 1 at the end).")
    var strict = false
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    /// Reads, extends and rewrites the index under its write lock, so concurrent adds to one
    /// index take turns instead of overwriting each other's images.
    func run() throws {
      let start = Date()
      let url = URL(fileURLWithPath: index)
      let skipped = SkippedFiles(command: "loci index add")
      let added: Int, extended: RetrievalIndex
      do {
        (added, extended) = try IndexFile.update(at: url, vocabularyURL: vocab.map { URL(fileURLWithPath: $0) },
                                                 whileWaiting: { printNote("loci index add: waiting for another writer of \(index)") }) {
          loaded in
          (try Retrieval.add(folders: features.map { URL(fileURLWithPath: $0) }, to: &loaded,
                             skipUnreadable: skipped.handler(strict: strict)), loaded)
        }
      } catch let error as IndexFileError {
        printError("loci index add: \(error)")
        if case .unwritable = error { throw ExitCode(ExitStatus.someInputsFailed.rawValue) }
        throw ExitCode(ExitStatus.usage.rawValue)
      } catch {
        printError("loci index add: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      try IndexCommand.report(extended, added: added, to: url, start: start, json: json, skipped: skipped)
      try skipped.exitIfAny()
    }
  }
}

/// An image of a sharded index: its shard and position there.
private struct ShardImage: Hashable {
  var shard: Int
  var image: Int
}

/// `loci query INDEX INPUT...`: ranked database images per query (INDEX: an index file or a
/// folder of shards built from one template).
struct QueryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "query", abstract: "Query an index with images or feature files; optional spatial re-ranking.")

  @Argument(help: "The .lidx index, or a folder of .lidx shards built from one template (queried as one).") var index: String
  @Argument(help: "Query images (featurised like the index) or .lfeat files.") var inputs: [String]
  @Option(help: "Show the best N images.") var top: Int = 10
  @Option(help: "Query-side multiple assignment (default: the index's).") var queryAssignments: Int?
  @OptionGroup var reranking: RerankOptions
  @OptionGroup var assigning: AssignmentOptions
  @Option(help: "The vocabulary, when it has moved since the index was built.") var vocab: String?
  @Option(help: "Also write each query's top --top images as an hloc/COLMAP pair list (`query database` per line, names relative to featurize's input root).")
  var pairsOut: String?
  @Flag(help: "Print the results as JSON on stdout.") var json = false

  /// One result: the kernel score and, when the image was in the re-ranked shortlist, its
  /// verification (kernel rank, correspondences, one-to-one inliers, verified score).
  struct Entry: Encodable {
    /// The image's identifier in the index (`IndexedImage.id`).
    var id: Int64
    var path: String
    var score: Float
    var kernel_rank: Int?
    var correspondences: Int?
    var inliers: Int?
    var verified_score: Double?
    var verified: Bool?
  }
  struct Result: Encodable { var query: String; var seconds: Double; var ranking: [Entry] }
  struct Report: Encodable { var results: [Result]; var failed: [[String: String]] }

  func validate() throws {
    guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    if let queryAssignments, queryAssignments < 1 { throw ValidationError("--query-assignments must be at least 1") }
  }

  func run() throws {
    let loaded: ShardedIndex
    do { loaded = try Retrieval.openShards(URL(fileURLWithPath: index), vocabularyURL: vocab.map { URL(fileURLWithPath: $0) },
                                       assignment: assigning.wordAssignment) } catch {
      printError("loci query: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    let reranker = reranking.reranker
    var queryOptions = loaded.shards[0].queryOptions
    if let queryAssignments { queryOptions.multipleAssignment = queryAssignments }
    var results: [Result] = [], failed: [[String: String]] = []
    var pairs = ImagePairList([])
    for input in inputs {
      do {
        let set = try Retrieval.queryFeatures(URL(fileURLWithPath: input), index: loaded.shards[0])
        let r = try loaded.search(set, reranker: reranker, top: top, options: queryOptions)
        let seconds = r.seconds
        // A feature file names its image relative to featurize's root, as the index does.
        let queryName = set.relativePath.isEmpty ? input : set.relativePath
        pairs.pairs += r.ranking.prefix(top).map { ImagePairList.Pair(queryName, loaded.image($0).relativePath) }
        let checks = Dictionary(uniqueKeysWithValues: r.verified.map { (ShardImage(shard: $0.shard, image: $0.check.image), $0.check) })
        let ranking = r.ranking.prefix(top).map { hit -> Entry in
          let v = checks[ShardImage(shard: hit.shard, image: hit.image)]
          return Entry(id: hit.id, path: loaded.image(hit).path, score: hit.score, kernel_rank: v.map { $0.kernelRank + 1 },
                       correspondences: v?.correspondences, inliers: v?.inliers, verified_score: v?.score, verified: v?.verified)
        }
        results.append(Result(query: input, seconds: seconds, ranking: Array(ranking)))
        if !json {
          print("\(input) (\(String(format: "%.1f ms", seconds * 1000))):")
          for (k, e) in ranking.enumerated() {
            print(String(format: "  %2d. %.4f  %@", k + 1, e.score, e.path as NSString) + (e.inliers.map { "  (\($0) inliers\(e.verified == true ? ", verified" : ""))" } ?? ""))
          }
        }
      } catch {
        printError("loci query: \(input): \(error)")
        failed.append(["path": input, "error": "\(error)"])
      }
    }
    if let pairsOut {
      do { try pairs.write(to: URL(fileURLWithPath: pairsOut)) } catch {
        printError("loci query: --pairs-out: \(error)")
        throw ExitCode(ExitStatus.someInputsFailed.rawValue)
      }
    }
    if json { try printJSON(Report(results: results, failed: failed)) }
    if !failed.isEmpty { throw ExitCode(ExitStatus.someInputsFailed.rawValue) }
  }
}
