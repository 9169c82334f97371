/// Greedy bottom-up grouping of basins and the shape fragmentation factor (MFD S6–S7).
///
/// [V-doc] Regions are grouped "greedily, bottom-up, taking both contrast and shape into
/// account", and selected on the way by the "shape fragmentation factor", which favours
/// regions well enclosed by boundaries, even incomplete ones. [R] Saddles are merged
/// Kruskal-style in decreasing height σ (or σ / min ρ): since D mixes geometry (gap width)
/// and contrast (the heights of the separating sources), one order accounts for both. Every
/// merge makes a node R = A ∪ B with ρ(R) = max ρ, σ_in(R) = min(σ_in(A), σ_in(B), σ_AB)
/// (σ_in of a basin is its ρ) and σ_out(R) the height at which R later merges with the rest
/// (0 for a root). The score F(R) = (σ_in − σ_out) / ρ = 1 − φ − λ combines enclosure
/// λ = σ_out/ρ and internal fragmentation φ = 1 − σ_in/ρ: a normalised persistence.
package struct MedialMergeTree: Sendable {
  package struct Node: Sendable {
    package var moments: RegionMoments
    package var rho: Float
    package var sigmaIn: Float
    package var sigmaOut: Float = 0
    package var parent: Int32 = -1
    /// The two merged nodes (−1 for a basin).
    package var left: Int32 = -1
    package var right: Int32 = -1
    /// F = (σ_in − σ_out) / ρ: for a closed blob of radius r behind edges of height h_e,
    /// r / (r + h_e), so both enclosure and contrast count. (Normalising by ρ minus the
    /// region's lowest source height instead, contrast-free, measured no better and was removed.)
    package var score: Double { rho > 0 ? Double(sigmaIn - sigmaOut) / Double(rho) : 0 }

    /// The selection score of the given kind (`score` is `.fragmentation`).
    package func score(_ kind: MFDOptions.ScoreKind) -> Double {
      switch kind {
      case .fragmentation: return score
      case .enclosure: return rho > 0 ? 1 - Double(sigmaOut) / Double(rho) : 0
      case .persistenceRatio: return sigmaIn > 0 ? 1 - Double(sigmaOut) / Double(sigmaIn) : 0
      }
    }
  }

  /// Basins first (node i = basin i), then one node per merge in merge order.
  package var nodes: [Node]

  package init(partition: MedialPartition, order: MFDOptions.MergeOrder = .saddle) {
    var nodes = partition.basins.map { Node(moments: $0.moments, rho: $0.rho, sigmaIn: $0.rho) }
    let basins = partition.basins
    func key(_ s: MedialPartition.Saddle) -> Float {
      switch order {
      case .saddle: return s.height
      case .relativeSaddle:
        let smaller = Swift.min(basins[Int(s.a)].rho, basins[Int(s.b)].rho)
        return smaller > 0 ? s.height / smaller : 0
      }
    }
    let saddles = partition.saddles.sorted { key($0) > key($1) || (key($0) == key($1) && $0.pixel < $1.pixel) }
    var root = Array(Int32(0)..<Int32(nodes.count))  // union-find over nodes, pointing to the current top node
    func find(_ i: Int32) -> Int32 {
      var r = i
      while root[Int(r)] != r { r = root[Int(r)] }
      var j = i
      while root[Int(j)] != r {
        let next = root[Int(j)]
        root[Int(j)] = r
        j = next
      }
      return r
    }
    for s in saddles {
      let a = find(s.a), b = find(s.b)
      guard a != b else { continue }
      let id = Int32(nodes.count)
      let na = nodes[Int(a)], nb = nodes[Int(b)]
      nodes[Int(a)].sigmaOut = s.height
      nodes[Int(b)].sigmaOut = s.height
      nodes[Int(a)].parent = id
      nodes[Int(b)].parent = id
      var merged = Node(moments: na.moments + nb.moments, rho: Swift.max(na.rho, nb.rho),
                        sigmaIn: Swift.min(na.sigmaIn, nb.sigmaIn, s.height))
      merged.left = a
      merged.right = b
      nodes.append(merged)
      root.append(id)
      root[Int(a)] = id
      root[Int(b)] = id
    }
    self.nodes = nodes
  }

  /// S7: nodes with F ≥ `minScore` that are local maxima of F against their children and
  /// parent, filtered by area, border contact and plateau peaks, best F first, capped.
  package func select(options: MFDOptions, imageArea: Double, plateauHeight: Float) -> [Int] {
    let maxArea = options.maxAreaFraction * imageArea
    var chosen: [Int] = []
    let scores = nodes.map { $0.score(options.scoreKind) }
    // A node that could never be selected (too small or large, on the border, a plateau)
    // does not suppress its neighbours in the local-maximum test: otherwise the root, whose
    // persistence ratio is 1, would hide every blob merged straight into it.
    let eligible = nodes.map { node in
      node.moments.area >= options.minArea && node.moments.area <= maxArea
        && !(options.excludeBorder && node.moments.touchesBorder) && node.rho < plateauHeight
    }
    func competes(_ j: Int32) -> Bool { j >= 0 && (!options.eligibleNeighboursOnly || eligible[Int(j)]) }
    for (i, node) in nodes.enumerated() {
      let f = scores[i]
      guard f >= options.minScore, eligible[i] else { continue }
      if options.localMaximaOnly {
        if competes(node.parent) && scores[Int(node.parent)] >= f { continue }
        if competes(node.left) && scores[Int(node.left)] > f { continue }
        if competes(node.right) && scores[Int(node.right)] > f { continue }
      }
      chosen.append(i)
    }
    chosen.sort { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    return Array(chosen.prefix(options.maxFeatures))
  }
}
