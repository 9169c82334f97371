import Foundation
import LociCore

/// Approximate nearest words with a randomised kd-forest (Silpa-Anan & Hartley 2008; VLFeat's
/// kd-forest): several kd-trees whose split dimension is drawn at random among the five of
/// largest variance, searched together best-bin-first with a bounded number of distance
/// computations. Usable over any centroid set; the flat vocabulary is its exact oracle.
public struct KDForestVocabulary: CentroidVocabulary {
  public let base: FlatVocabulary
  /// Distance computations per query, shared by all trees (more: higher recall, slower).
  public var maxChecks: Int
  /// Every tree's nodes, in one store: searching reads it in place, where an array of
  /// per-tree structs cost a retain and release of six arrays per descent (a third of
  /// the search time in a profile).
  let nodes: Nodes
  /// The root of each tree in `nodes`.
  let roots: [Int32]

  struct Nodes: Sendable {
    /// Internal nodes: split dimension, split value, children. A child ≥ 0 is a node, < 0 a
    /// leaf: leaf l = −child − 1 covers `order[leafStart[l]..<leafStart[l + 1]]`.
    var splitDimension: [Int32] = []
    var splitValue: [Float] = []
    var left: [Int32] = []
    var right: [Int32] = []
    var order: [Int32] = []
    var leafStart: [Int32] = [0]
  }

  public var dimension: Int { base.dimension }
  public var count: Int { base.count }
  public var centroids: [Float] { base.centroids }

  /// Builds `treeCount` trees over `base`'s centroids (leaves of at most `leafSize` words).
  public init(base: FlatVocabulary, treeCount: Int = 4, maxChecks: Int = 256, leafSize: Int = 4, seed: UInt64 = 1) {
    self.base = base
    self.maxChecks = maxChecks
    var rng = SplitMix64(seed: seed)
    var nodes = Nodes()
    roots = (0..<Swift.max(1, treeCount)).map { _ in Self.build(base, leafSize: Swift.max(1, leafSize), into: &nodes, rng: &rng) }
    self.nodes = nodes
  }

  /// Adds one tree over `base`'s centroids to `tree` and returns its root.
  static func build(_ base: FlatVocabulary, leafSize: Int, into tree: inout Nodes, rng: inout SplitMix64) -> Int32 {
    let d = base.dimension
    let c = base.centroids
    func node(_ indices: [Int32]) -> Int32 {
      if indices.count <= leafSize {
        tree.order += indices
        tree.leafStart.append(Int32(tree.order.count))
        return -Int32(tree.leafStart.count - 1)  // leaf l ↦ −(l + 1), l = count − 2
      }
      // Variance per dimension over up to 128 members.
      let sample = indices.count <= 128 ? indices : (0..<128).map { _ in indices[Int(rng.next() % UInt64(indices.count))] }
      var mean = [Double](repeating: 0, count: d), second = [Double](repeating: 0, count: d)
      for i in sample {
        for j in 0..<d {
          let v = Double(c[Int(i) * d + j])
          mean[j] += v
          second[j] += v * v
        }
      }
      let m = Double(sample.count)
      let variance = (0..<d).map { second[$0] / m - (mean[$0] / m) * (mean[$0] / m) }
      let top = (0..<d).sorted { variance[$0] > variance[$1] }.prefix(5)
      let dim = top[top.index(top.startIndex, offsetBy: Int(rng.next() % UInt64(top.count)))]
      // Split at the median of the chosen dimension (balanced trees).
      let sorted = indices.sorted { c[Int($0) * d + dim] < c[Int($1) * d + dim] }
      let half = sorted.count / 2
      let value = (c[Int(sorted[half - 1]) * d + dim] + c[Int(sorted[half]) * d + dim]) / 2
      let me = Int32(tree.splitDimension.count)
      tree.splitDimension.append(Int32(dim))
      tree.splitValue.append(value)
      tree.left.append(0)
      tree.right.append(0)
      let l = node(Array(sorted[..<half])), r = node(Array(sorted[half...]))
      tree.left[Int(me)] = l
      tree.right[Int(me)] = r
      return me
    }
    return node((0..<Int32(base.count)).map { $0 })
  }

  public func assign(_ descriptors: [Float], k: Int) -> Assignment {
    let d = dimension, n = descriptors.count / d
    let kk = Swift.max(1, Swift.min(k, count))
    var words = [UInt32](repeating: 0, count: n * kk), distances = [Float](repeating: .infinity, count: n * kk)
    guard n > 0 else { return Assignment(k: kk, words: [], distances: []) }
    words.withUnsafeMutableBufferPointer { ow in
      distances.withUnsafeMutableBufferPointer { od in
        parallelChunks(n, minimumChunk: 16) { range in
          var searcher = Searcher(count: count)
          for i in range {
            descriptors.withUnsafeBufferPointer { x in
              searcher.search(self, x.baseAddress! + i * d, k: kk, words: ow.baseAddress! + i * kk,
                              distances: od.baseAddress! + i * kk)
            }
          }
        }
      }
    }
    return Assignment(k: kk, words: words, distances: distances)
  }

  /// Per-thread search state (the forest itself is immutable and shared).
  struct Searcher {
    var visited: [UInt32]
    var stamp: UInt32 = 0
    var queue = MinHeap<(bound: Float, node: Int32)>(by: { $0.bound < $1.bound })

    init(count: Int) { visited = [UInt32](repeating: 0, count: count) }

    mutating func search(_ forest: KDForestVocabulary, _ x: UnsafePointer<Float>, k: Int,
                         words: UnsafeMutablePointer<UInt32>, distances: UnsafeMutablePointer<Float>) {
      stamp &+= 1
      queue.removeAll()
      var checks = 0
      let d = forest.dimension
      let tree = forest.nodes
      forest.base.centroids.withUnsafeBufferPointer { c in
        func consider(_ w: Int) {
          guard visited[w] != stamp else { return }
          visited[w] = stamp
          checks += 1
          insertIntoKBest(squaredDistance(x, c.baseAddress! + w * d, count: d), w, words, distances, k)
        }
        func descend(_ start: Int32, _ bound: Float) {
          var node = start
          while node >= 0 {
            let diff = x[Int(tree.splitDimension[Int(node)])] - tree.splitValue[Int(node)]
            let (near, far) = diff < 0 ? (tree.left[Int(node)], tree.right[Int(node)]) : (tree.right[Int(node)], tree.left[Int(node)])
            queue.push((Swift.max(bound, diff * diff), far))
            node = near
          }
          let leaf = Int(-node - 1)
          for p in Int(tree.leafStart[leaf])..<Int(tree.leafStart[leaf + 1]) { consider(Int(tree.order[p])) }
        }
        for root in forest.roots { descend(root, 0) }
        while checks < forest.maxChecks, let next = queue.pop() {
          if next.bound >= distances[k - 1] { break }
          descend(next.node, next.bound)
        }
      }
    }
  }
}
