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
    precondition(edges.allSatisfy { correspondences[$0].a >= 0 && correspondences[$0].b >= 0 }, "feature ids are non-negative")
    // Compact feature ids on both sides (feature ids are small non-negative integers).
    var maxA: Int32 = 0, maxB: Int32 = 0
    for k in edges { (maxA, maxB) = (Swift.max(maxA, correspondences[k].a), Swift.max(maxB, correspondences[k].b)) }
    var aId = [Int](repeating: -1, count: Int(maxA) + 1), bId = [Int](repeating: -1, count: Int(maxB) + 1)
    var countA = 0, countB = 0
    for k in edges {
      let (a, b) = (Int(correspondences[k].a), Int(correspondences[k].b))
      if aId[a] < 0 { aId[a] = countA; countA += 1 }
      if bId[b] < 0 { bId[b] = countB; countB += 1 }
    }
    var adjacency = [[(b: Int, edge: Int)]](repeating: [], count: countA)
    for k in edges { adjacency[aId[Int(correspondences[k].a)]].append((bId[Int(correspondences[k].b)], k)) }
    var matchOfB = [Int](repeating: -1, count: countB)  // the A vertex holding each B vertex
    var edgeOfB = [Int](repeating: -1, count: countB)
    var matchedA = [Bool](repeating: false, count: countA)
    for a in adjacency.indices {
      for (b, k) in adjacency[a] where matchOfB[b] < 0 {
        matchOfB[b] = a
        edgeOfB[b] = k
        matchedA[a] = true
        break
      }
    }
    var visited = [Int](repeating: -1, count: countB)
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
