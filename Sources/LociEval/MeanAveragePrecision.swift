import Foundation

/// Retrieval ground truth for one query: positive and junk database ids.
public struct QueryTruth: Sendable, Equatable {
  public var positives: Set<Int>
  public var junk: Set<Int>

  public init(positives: Set<Int>, junk: Set<Int> = []) {
    self.positives = positives
    self.junk = junk
  }
}

/// Average precision and precision@k as in the revisited Oxford/Paris `compute_map`
/// (Radenović et al., "Revisiting Oxford and Paris", CVPR 2018; `revisitop/python/evaluate.py`).
public enum MeanAveragePrecision {
  /// AP of one ranking (database ids, best first): junk items are removed from the ranking
  /// (positives after them move up), AP is the trapezoidal rule with |positives| as the
  /// denominator (unretrieved positives count 0). nil when there are no positives.
  public static func averagePrecision(ranking: [Int], truth: QueryTruth) -> Double? {
    guard !truth.positives.isEmpty else { return nil }
    var pos: [Int] = [], junk: [Int] = []
    for (r, id) in ranking.enumerated() {
      if truth.positives.contains(id) { pos.append(r) } else if truth.junk.contains(id) { junk.append(r) }
    }
    var k = 0, ij = 0
    for ip in pos.indices {
      while ij < junk.count && pos[ip] > junk[ij] {
        k += 1
        ij += 1
      }
      pos[ip] -= k
    }
    var ap = 0.0
    let n = Double(truth.positives.count)
    for (j, r) in pos.enumerated() {
      let p0 = r == 0 ? 1.0 : Double(j) / Double(r)
      let p1 = Double(j + 1) / Double(r + 1)
      ap += (p0 + p1) / 2 / n
    }
    return ap
  }

  /// Mean AP over queries with positives (the others are excluded, as `compute_map` does).
  public static func meanAveragePrecision(rankings: [[Int]], truths: [QueryTruth]) -> Double {
    let aps = zip(rankings, truths).compactMap { averagePrecision(ranking: $0, truth: $1) }
    return aps.isEmpty ? 0 : aps.reduce(0, +) / Double(aps.count)
  }

  /// The revisited protocols built from easy / hard / junk lists.
  public enum RevisitedProtocol: String, CaseIterable, Sendable {
    case easy, medium, hard

    /// Easy: ok = easy, junk = junk ∪ hard; Medium: ok = easy ∪ hard; Hard: ok = hard, junk = junk ∪ easy.
    public func truth(easy: Set<Int>, hard: Set<Int>, junk: Set<Int>) -> QueryTruth {
      switch self {
      case .easy: return QueryTruth(positives: easy, junk: junk.union(hard))
      case .medium: return QueryTruth(positives: easy.union(hard), junk: junk)
      case .hard: return QueryTruth(positives: hard, junk: junk.union(easy))
      }
    }
  }
}

/// The ground-truth TSV of `loci eval map`: header `query<TAB>positives[<TAB>junk]`, one row
/// per query; comma-separated image paths, relative to the TSV's folder unless absolute,
/// resolved (symlinks too) as `featurize` records image paths.
public struct GroundTruthFile: Sendable {
  public struct Row: Sendable, Equatable {
    public var query: String
    public var positives: [String]
    public var junk: [String]
  }

  public var rows: [Row]
  public var hasJunkColumn: Bool

  public init(contentsOf url: URL) throws {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw GroundTruthError(path: url.path, reason: "cannot read: \(error.localizedDescription)")
    }
    try self.init(text: text, base: url.deletingLastPathComponent(), path: url.path)
  }

  public init(text: String, base: URL, path: String = "<memory>") throws {
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    while lines.last?.isEmpty == true { lines.removeLast() }
    guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
          header.count >= 2, header[0] == "query", header[1] == "positives" else {
      throw GroundTruthError(path: path, reason: "the header must be query<TAB>positives[<TAB>junk]")
    }
    hasJunkColumn = header.count >= 3 && header[2] == "junk"
    func resolve(_ p: String) -> String {
      // Resolved like featurize records its sources, so symlinked images match.
      (p.hasPrefix("/") ? URL(fileURLWithPath: p) : base.appendingPathComponent(p)).standardizedFileURL.resolvingSymlinksInPath().path
    }
    func list(_ field: String) -> [String] { field.split(separator: ",").map { resolve(String($0).trimmingCharacters(in: .whitespaces)) } }
    rows = try lines.dropFirst().enumerated().compactMap { n, line in
      if line.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count >= 1, !f[0].isEmpty else { throw GroundTruthError(path: path, reason: "line \(n + 2): no query path") }
      return Row(query: resolve(f[0]), positives: f.count > 1 ? list(f[1]) : [], junk: f.count > 2 ? list(f[2]) : [])
    }
  }
}

public struct GroundTruthError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var reason: String
  public var description: String { "\(path): ground truth: \(reason)" }
}
