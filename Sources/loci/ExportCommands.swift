import ArgumentParser
import Foundation
import Loci
import LociCommandLine

extension COLMAPDatabase.Schema: ExpressibleByArgument {}

/// `loci export …`: features and verified matches in other tools' formats.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Write features and verified matches for other tools.", subcommands: [COLMAP.self, Hloc.self, Kapture.self])

  struct COLMAP: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "colmap",
      abstract: "A COLMAP database: cameras, images, keypoints, descriptors and, with --pairs, matches and verified two-view geometries.",
      discussion: """
        Image names are the paths relative to featurize's input root: run COLMAP with --image_path set to that root. \
        Each image gets its own SIMPLE_RADIAL camera with focal length 1.2 × its larger side (COLMAP's default when \
        EXIF says nothing; EXIF is not read). Keypoints carry the regions' affine frames, descriptors are \
        round(512 · d) clamped to 255. Pairs are verified like `loci verify`; their inliers become the two-view \
        geometry (configuration PLANAR, with H), which `colmap mapper` reads directly.
        """)

    @Argument(help: "The featurize output folder (.lfeat files).") var features: String
    @Option(help: "The database to write (atomically).") var database: String
    @Option(help: "A pair list (`name0 name1` per line, e.g. from `loci query --pairs-out`) to verify and export.")
    var pairs: String?
    @Option(help: "hpm or ransac.") var method: VerificationMethod = .hpm
    @Option(help: "Pairs with fewer inliers are written DEGENERATE (COLMAP's own minimum is 15).") var minInliers = 15
    @Option(help: "Table layout: current (COLMAP 3.12+, pycolmap) or 3.8 (Debian 12's colmap).")
    var schema: COLMAPDatabase.Schema = .current
    @Flag(help: "Replace an existing database.") var overwrite = false
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
      guard minInliers >= 0 else { throw ValidationError("--min-inliers must not be negative") }
    }

    func run() throws {
      var export = COLMAPExport()
      export.verification.method = method
      export.minimumInliers = minInliers
      export.schema = schema
      export.overwrite = overwrite
      let start = Date()
      let summary: COLMAPExport.Summary
      do {
        let list = try pairs.map { try ImagePairList.read(from: URL(fileURLWithPath: $0)) }
        summary = try export.run(features: URL(fileURLWithPath: features), pairs: list, database: URL(fileURLWithPath: database))
      } catch {
        printError("loci export colmap: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      try ExportCommand.report(summary, command: "loci export colmap", written: [database], start: start, json: json)
    }
  }

  struct Hloc: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "hloc",
      abstract: "hloc's features.h5 and, with --pairs, matches.h5 (the verified inliers of each pair).",
      discussion: """
        One group per image name (its path relative to featurize's input root): keypoints N × 2 (first pixel's \
        centre at (0, 0), as hloc's), descriptors D × N, scores N (the regions' responses), image_size. Matches: one \
        group per pair (hloc's names_to_pair) with matches0 (−1: none) and matching_scores0 (the verifier's \
        strengths). Files are written through the system's libhdf5 (libhdf5-dev), atomically.
        """)

    @Argument(help: "The featurize output folder (.lfeat files).") var features: String
    @Option(help: "The features file to write.") var featuresH5: String
    @Option(help: "A pair list to verify (needs --matches-h5).") var pairs: String?
    @Option(help: "The matches file to write.") var matchesH5: String?
    @Option(help: "hpm or ransac.") var method: VerificationMethod = .hpm
    @Option(help: "Pairs with fewer inliers get no matches.") var minInliers = 15
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
      guard (pairs == nil) == (matchesH5 == nil) else { throw ValidationError("--pairs and --matches-h5 go together") }
      guard minInliers >= 0 else { throw ValidationError("--min-inliers must not be negative") }
    }

    func run() throws {
      var export = HlocExport()
      export.verification.method = method
      export.minimumInliers = minInliers
      let start = Date()
      let summary: COLMAPExport.Summary
      do {
        let list = try pairs.map { try ImagePairList.read(from: URL(fileURLWithPath: $0)) }
        summary = try export.run(features: URL(fileURLWithPath: features), pairs: list, featuresFile: URL(fileURLWithPath: featuresH5),
                                 matchesFile: matchesH5.map { URL(fileURLWithPath: $0) })
      } catch {
        printError("loci export hloc: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      try ExportCommand.report(summary, command: "loci export hloc", written: [featuresH5] + (matchesH5.map { [$0] } ?? []),
                               start: start, json: json)
    }
  }

  struct Kapture: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "kapture",
      abstract: "A kapture 1.1 tree: cameras, image records, keypoints, descriptors and, with --pairs, verified matches.",
      discussion: """
        Keypoints are N × 6 float32 (x y, first pixel's centre at (0, 0), then the affine frame a11 a12 a21 a22), \
        descriptors N × D float32, matches N × 3 float64 (the verified inliers and their strengths). Each image gets \
        its own SIMPLE_RADIAL camera with focal length 1.2 × its larger side. Written beside the target and renamed \
        into place.
        """)

    @Argument(help: "The featurize output folder (.lfeat files).") var features: String
    @Option(help: "The kapture folder to write.") var out: String
    @Option(help: "A pair list to verify and export.") var pairs: String?
    @Option(help: "hpm or ransac.") var method: VerificationMethod = .hpm
    @Option(help: "Pairs with fewer inliers get no matches file.") var minInliers = 15
    @Flag(help: "Replace an existing folder.") var overwrite = false
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    func validate() throws {
      guard minInliers >= 0 else { throw ValidationError("--min-inliers must not be negative") }
    }

    func run() throws {
      var export = KaptureExport()
      export.verification.method = method
      export.minimumInliers = minInliers
      export.overwrite = overwrite
      let start = Date()
      let summary: COLMAPExport.Summary
      do {
        let list = try pairs.map { try ImagePairList.read(from: URL(fileURLWithPath: $0)) }
        summary = try export.run(features: URL(fileURLWithPath: features), pairs: list, root: URL(fileURLWithPath: out))
      } catch {
        printError("loci export kapture: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      try ExportCommand.report(summary, command: "loci export kapture", written: [out], start: start, json: json)
    }
  }

  /// The summary on stdout (text or JSON) and the failed pairs on stderr (exit 1).
  static func report(_ summary: COLMAPExport.Summary, command: String, written: [String], start: Date, json: Bool) throws {
    for failure in summary.failed { printError("\(command): \(failure["pair"] ?? ""): \(failure["error"] ?? "")") }
    if json {
      struct Report: Encodable {
        var images, keypoints, pairs, verified_pairs, inliers: Int
        var failed: [[String: String]]
        var written: [String]
        var seconds: Double
      }
      try printJSON(Report(images: summary.images, keypoints: summary.keypoints, pairs: summary.pairs,
                           verified_pairs: summary.verified_pairs, inliers: summary.inliers, failed: summary.failed,
                           written: written, seconds: Date().timeIntervalSince(start)))
    } else {
      print("\(summary.images) images, \(summary.keypoints) keypoints, \(summary.pairs) pairs (\(summary.verified_pairs) verified, "
        + "\(summary.inliers) inliers) → \(written.joined(separator: ", "))")
    }
    if !summary.failed.isEmpty { throw ExitCode(ExitStatus.someInputsFailed.rawValue) }
  }
}
