/// Maximum one-to-one subsets of correspondences: a maximum matching of the bipartite graph
/// whose edges are the correspondences (each feature of A and of B used at most once).
///
/// Verification counts inliers this way because shared-word correspondences are
/// many-to-many: one query feature on a repeated pattern can agree with a model through
/// several database features, and counting each would reward bursts, not evidence.
public enum OneToOneMatching {
  /// The indices (into `correspondences`) of a maximum matching among those with
  /// `keep[k]` (all when `keep` is nil), found by augmenting paths (Kuhn's algorithm,
  /// O(V·E): inlier sets are small). Greedy in index order first, so that a set that is
  /// already one-to-one costs one pass.
  public static func maximum(_ correspondences: [Correspondence], keep: [Bool]? = nil) -> [Int] {
    var edges: [Int] = []
    edges.reserveCapacity(correspondences.count)
    for k in correspondences.indices where keep?[k] ?? true { edges.append(k) }
    guard !edges.isEmpty else { return [] }
    // Compact feature ids on both sides.
    var aId: [Int32: Int] = [:], bId: [Int32: Int] = [:]
    for k in edges {
      if aId[correspondences[k].a] == nil { aId[correspondences[k].a] = aId.count }
      if bId[correspondences[k].b] == nil { bId[correspondences[k].b] = bId.count }
    }
    var adjacency = [[(b: Int, edge: Int)]](repeating: [], count: aId.count)
    for k in edges { adjacency[aId[correspondences[k].a]!].append((bId[correspondences[k].b]!, k)) }
    var matchOfB = [Int](repeating: -1, count: bId.count)  // the A vertex holding each B vertex
    var edgeOfB = [Int](repeating: -1, count: bId.count)
    var matchedA = [Bool](repeating: false, count: aId.count)
    for a in adjacency.indices {
      for (b, k) in adjacency[a] where matchOfB[b] < 0 {
        matchOfB[b] = a
        edgeOfB[b] = k
        matchedA[a] = true
        break
      }
    }
    var visited = [Int](repeating: -1, count: bId.count)
    func augment(_ a: Int, _ round: Int) -> Bool {
      for (b, k) in adjacency[a] where visited[b] != round {
        visited[b] = round
        if matchOfB[b] < 0 || augment(matchOfB[b], round) {
          matchOfB[b] = a
          edgeOfB[b] = k
          return true
        }
      }
      return false
    }
    for a in adjacency.indices where !matchedA[a] {
      if augment(a, a) { matchedA[a] = true }
    }
    return edgeOfB.filter { $0 >= 0 }.sorted()
  }

  /// The size of `maximum(correspondences, keep:)`.
  public static func count(_ correspondences: [Correspondence], keep: [Bool]? = nil) -> Int {
    maximum(correspondences, keep: keep).count
  }
}
