import ArgumentParser
import Foundation
import Loci
import LociCommandLine

/// `loci eval map`: mAP of an index on a ground-truth TSV.
struct MapCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "map",
    abstract: "Mean average precision of an index on a ground-truth TSV (query<TAB>positives[<TAB>junk]).",
    discussion: "AP as in revisitop's compute_map (junk removed from the ranking, trapezoidal rule). The query image itself is left out of its ranking. With a junk column the revisited protocols are reported too (the TSV's positives are read as easy, junk as hard: E ok = easy, M ok = easy+hard, H ok = hard).")

  @Option(help: "The .lidx index, or a folder of .lidx shards built from one template.") var index: String
  @Option(help: "Ground-truth TSV; paths relative to its folder unless absolute.") var groundtruth: String
  @OptionGroup var reranking: RerankOptions
  @OptionGroup var assigning: AssignmentOptions
  @Option(help: "Folder of .lfeat files holding the queries' features, matched by source image path (otherwise the query images are featurised).")
  var queryFeatures: String?
  @Option(help: "The vocabulary, when it has moved since the index was built.") var vocab: String?
  @Flag(help: "Print the report as JSON on stdout, with per-query diagnostics (AP, the rank of each positive, and each verified image's kernel score, correspondences, inliers and verified score).")
  var json = false
  @Flag(help: "Also list the worst queries with their positives' ranks and verifications.") var verbose = false

  struct Report: Encodable {
    var map: Double
    var queries: Int
    var seconds_per_query: Double
    var rerank_seconds_per_query: Double
    var rerank: String
    var kernel: String
    var missing_positives: Int
    var easy: Double?
    var medium: Double?
    var hard: Double?
    var p_at_1: Double
    var per_query: [QueryReport]
  }

  /// One query's diagnostics. Ranks are 1-based, after re-ranking.
  struct QueryReport: Encodable {
    var query: String
    var ap: Double
    var positive_ranks: [Int]
    var verified: [VerifiedReport]
  }

  struct VerifiedReport: Encodable {
    var path: String
    var positive: Bool
    var kernel_rank: Int
    var kernel_score: Float
    var correspondences: Int
    var inliers: Int
    var verified_score: Double
    var verified: Bool

    init(_ v: SpatialReranker.Verified, path: String, positive: Bool) {
      (self.path, self.positive, kernel_rank, kernel_score) = (path, positive, v.kernelRank + 1, v.kernelScore)
      (correspondences, inliers, verified_score, verified) = (v.correspondences, v.inliers, v.score, v.verified)
    }
  }

  func run() throws {
    let loaded: ShardedIndex
    let truth: GroundTruthFile
    do {
      loaded = try Retrieval.openShards(URL(fileURLWithPath: index), vocabularyURL: vocab.map { URL(fileURLWithPath: $0) },
                                       assignment: assigning.wordAssignment)
      truth = try GroundTruthFile(contentsOf: URL(fileURLWithPath: groundtruth))
    } catch {
      printError("loci eval map: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    // The given query features, by source image path (each file read once).
    var querySets: [String: FeatureSet] = [:]
    if let queryFeatures {
      do {
        for url in try FeatureFolder.files(in: [URL(fileURLWithPath: queryFeatures)]) {
          let set = try FeatureFile.read(from: url)
          querySets[set.sourcePath] = set
        }
      } catch {
        printError("loci eval map: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
    }
    let evaluation: RetrievalEvaluation
    do {
      evaluation = try RetrievalEvaluation.run(index: loaded, groundTruth: truth, reranker: reranking.reranker,
                                               queryFeatures: querySets) { q in
        if !json { printNote(String(format: "%@: AP %.2f", q.query as NSString, q.averagePrecision)) }
      }
    } catch {
      printError("loci eval map: \(error)")
      throw ExitCode(ExitStatus.someInputsFailed.rawValue)
    }
    let n = Double(Swift.max(evaluation.queries.count, 1))
    let images = loaded.images.map(\.indexed)
    let perQuery = evaluation.queries.map { q in
      QueryReport(query: q.query, ap: q.averagePrecision, positive_ranks: q.positiveRanks, verified: q.verified.map {
        VerifiedReport($0, path: images[$0.image].path, positive: q.positives.contains($0.image))
      })
    }
    let missing = evaluation.missingPositives
    let report = Report(map: evaluation.meanAveragePrecision, queries: evaluation.queries.count,
                        seconds_per_query: evaluation.queries.reduce(0) { $0 + $1.seconds } / n,
                        rerank_seconds_per_query: evaluation.queries.reduce(0) { $0 + $1.rerankSeconds } / n,
                        rerank: reranking.rerank.rawValue, kernel: loaded.shards[0].options.kernel.rawValue, missing_positives: missing,
                        easy: evaluation.revisited(.easy), medium: evaluation.revisited(.medium),
                        hard: evaluation.revisited(.hard), p_at_1: evaluation.precisionAtOne, per_query: perQuery)
    if json { try printJSON(report) } else {
      print(String(format: "mAP %.2f over %d queries (%@, rerank %@), %.1f ms per query", report.map, report.queries,
                   report.kernel as NSString, report.rerank as NSString, report.seconds_per_query * 1000))
      if let e = report.easy, let m = report.medium, let h = report.hard { print(String(format: "E %.2f  M %.2f  H %.2f", e, m, h)) }
      print(String(format: "P@1 %.2f", report.p_at_1))
      if missing > 0 { print("\(missing) positives are not in the index (counted as not retrieved)") }
      if verbose { printWorst(perQuery) }
    }
  }

  /// The ten lowest-AP queries: their positives' ranks and how verification saw each positive
  /// and each image ranked above the first positive.
  private func printWorst(_ queries: [QueryReport]) {
    let worst = queries.sorted { $0.ap < $1.ap }.prefix(10).filter { $0.ap < 100 }
    guard !worst.isEmpty else { return }
    print("worst queries:")
    for q in worst {
      print(String(format: "  AP %6.2f  %@  positives at %@", q.ap, q.query as NSString,
                   q.positive_ranks.map(String.init).joined(separator: ", ") as NSString))
      let firstPositive = q.positive_ranks.first ?? Int.max
      for (k, v) in q.verified.enumerated() where v.positive || k + 1 < firstPositive {
        print(String(format: "    %3d. %@ kernel #%d %.4f, %d correspondences, %d inliers, score %.4f%@%@", k + 1,
                     (v.positive ? "+" : "-") as NSString, v.kernel_rank, v.kernel_score, v.correspondences, v.inliers,
                     v.verified_score, (v.verified ? " verified" : "") as NSString,
                     ("  " + URL(fileURLWithPath: v.path).lastPathComponent) as NSString))
      }
    }
  }
}
