import Foundation
import LociCore

/// Options of flat k-means.
public struct KMeansOptions: Sendable, Equatable {
  public enum Initialisation: String, Sendable, CaseIterable {
    /// k distinct training points chosen at random (what faiss does).
    case random
    /// k-means++ (Arthur & Vassilvitskii 2007) on a sample of at most 20·k points.
    case plusPlus
  }

  /// Number of words.
  public var k: Int
  /// Lloyd iterations.
  public var iterations: Int = 10
  public var initialisation: Initialisation = .random
  /// Seed of every random choice: the same data and seed give the same vocabulary.
  public var seed: UInt64 = 1

  public init(k: Int) { self.k = k }
}

/// Flat k-means (Lloyd) with exact assignment and empty-cluster repair.
public enum KMeans {
  public struct TrainingResult: Sendable {
    public var vocabulary: FlatVocabulary
    /// Mean squared distance of the training points to their centroid, after the last
    /// assignment (the objective divided by n).
    public var meanSquaredError: Double
    /// Mean squared error after each iteration.
    public var history: [Double]
    /// Empty clusters repaired over the run.
    public var repairedClusters: Int
  }

  public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case notEnoughData(points: Int, k: Int)
    case badDimension
    public var description: String {
      switch self {
      case let .notEnoughData(points, k): return "k-means needs at least k = \(k) points, got \(points)"
      case .badDimension: return "training data is not a whole number of descriptors of the given dimension"
      }
    }
  }

  /// Trains on `data` (row-major, n × dimension). `progress(iteration, mse)` after each
  /// iteration.
  public static func train(_ data: [Float], dimension d: Int, options: KMeansOptions,
                           progress: ((Int, Double) -> Void)? = nil) throws -> TrainingResult {
    guard d > 0, data.count % d == 0 else { throw TrainingError.badDimension }
    let n = data.count / d, k = options.k
    guard k >= 1, n >= k else { throw TrainingError.notEnoughData(points: n, k: k) }
    var rng = SplitMix64(seed: options.seed)
    var centroids = initialCentroids(data, n: n, d: d, options: options, rng: &rng)
    var history: [Double] = []
    var repaired = 0
    var assignment = FlatVocabulary(dimension: d, centroids: centroids).assign(data, k: 1)
    for iteration in 0..<options.iterations {
      // Update: centroid = mean of its points (partial sums per chunk, then reduced).
      var sums = [Double](repeating: 0, count: k * d)
      var counts = [Int](repeating: 0, count: k)
      data.withUnsafeBufferPointer { x in
        for i in 0..<n {
          let w = Int(assignment.words[i])
          counts[w] += 1
          let row = x.baseAddress! + i * d
          sums.withUnsafeMutableBufferPointer { s in
            let dst = s.baseAddress! + w * d
            for j in 0..<d { dst[j] += Double(row[j]) }
          }
        }
      }
      for w in 0..<k where counts[w] > 0 {
        for j in 0..<d { centroids[w * d + j] = Float(sums[w * d + j] / Double(counts[w])) }
      }
      // Empty clusters: split the largest cluster in two by a small symmetric perturbation
      // of its centroid (as faiss does); the next assignment shares its points.
      for w in 0..<k where counts[w] == 0 {
        let big = counts.indices.max { counts[$0] < counts[$1] }!
        for j in 0..<d {
          let epsilon = Float(1.0 / 1024.0) * (rng.unit() < 0.5 ? -1 : 1)
          let value = centroids[big * d + j]
          centroids[w * d + j] = value * (1 + epsilon)
          centroids[big * d + j] = value * (1 - epsilon)
        }
        counts[big] /= 2
        counts[w] = counts[big]
        repaired += 1
      }
      assignment = FlatVocabulary(dimension: d, centroids: centroids).assign(data, k: 1)
      let mse = assignment.distances.reduce(0.0) { $0 + Double($1) } / Double(n)
      history.append(mse)
      progress?(iteration + 1, mse)
    }
    let mse = history.last ?? assignment.distances.reduce(0.0) { $0 + Double($1) } / Double(n)
    return TrainingResult(vocabulary: FlatVocabulary(dimension: d, centroids: centroids), meanSquaredError: mse,
                  history: history, repairedClusters: repaired)
  }

  package static func initialCentroids(_ data: [Float], n: Int, d: Int, options: KMeansOptions, rng: inout SplitMix64) -> [Float] {
    let k = options.k
    func row(_ i: Int) -> ArraySlice<Float> { data[(i * d)..<((i + 1) * d)] }
    switch options.initialisation {
    case .random:
      // k distinct indices by a partial Fisher–Yates shuffle.
      var indices = Array(0..<n)
      for i in 0..<k { indices.swapAt(i, i + Int(rng.next() % UInt64(n - i))) }
      return indices.prefix(k).flatMap { row($0) }
    case .plusPlus:
      var indices = Array(0..<n)
      let m = Swift.min(n, 20 * k)
      for i in 0..<m { indices.swapAt(i, i + Int(rng.next() % UInt64(n - i))) }
      let sample = indices.prefix(m).flatMap { row($0) }
      var chosen = [Int(rng.next() % UInt64(m))]
      var nearest = [Float](repeating: .infinity, count: m)
      sample.withUnsafeBufferPointer { s in
        while chosen.count < k {
          let c = s.baseAddress! + chosen.last! * d
          var total = 0.0
          for i in 0..<m {
            nearest[i] = Swift.min(nearest[i], squaredDistance(s.baseAddress! + i * d, c, count: d))
            total += Double(nearest[i])
          }
          // Next centre with probability ∝ D², by inverse CDF.
          var target = rng.unit() * total, next = m - 1
          for i in 0..<m {
            target -= Double(nearest[i])
            if target <= 0 { next = i; break }
          }
          chosen.append(next)
        }
      }
      return chosen.flatMap { Array(sample[($0 * d)..<(($0 + 1) * d)]) }
    }
  }
}

