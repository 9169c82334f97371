import Foundation

extension WaSHDetector {
  /// One candidate region: a state of a component history and its instability.
  struct Candidate {
    var state: AlphaComponentTree.State
    var instability: Double
  }

  /// S6–S7: candidates are the local minima of instability along each history, filtered by
  /// area, de-duplicated, ranked (most stable first), capped, and turned into ellipses
  /// S = 4Σ (same area as the region; the MSER convention) [R].
  func select(_ tree: AlphaComponentTree, imageArea: Double) -> [AffineRegion] {
    let maxArea = options.maxAreaFraction * imageArea
    var candidates: [Candidate] = []
    var q: [Double] = []  // one buffer for every history's instabilities
    for history in tree.histories {
      let states = tree.states(of: history)
      // Areas grow along a history: most histories (one triangle each) never reach minArea.
      guard let last = states.last, last.area >= options.minArea else { continue }
      q.removeAll(keepingCapacity: true)
      for i in states.indices { q.append(instability(history, states, at: i)) }
      for (k, i) in states.indices.enumerated() {
        let s = states[i]
        guard q[k] <= options.maxInstability, s.area >= options.minArea, s.area <= maxArea else { continue }
        // A local minimum along the history (ties count once, at the first).
        if k > 0 && q[k - 1] <= q[k] { continue }
        if k + 1 < q.count && q[k + 1] < q[k] { continue }
        candidates.append(Candidate(state: s, instability: q[k]))
      }
    }
    candidates.sort { $0.instability < $1.instability || ($0.instability == $1.instability && $0.state.area > $1.state.area) }
    // Near-duplicates (centres < 3 px apart, areas within e^0.3): keep the more stable.
    var kept: [Candidate] = []
    var byCell: [Int: [Int]] = [:]  // kept candidates by 3-px cell of their centre
    func cellKey(_ cx: Int, _ cy: Int) -> Int { cx &* 73_856_093 ^ cy &* 19_349_663 }
    for c in candidates {
      let centre = c.state.centre
      let cx = Int((centre.x / 3).rounded(.down)), cy = Int((centre.y / 3).rounded(.down))
      var duplicate = false
      outer: for dx in -1...1 {
        for dy in -1...1 {
          for j in byCell[cellKey(cx + dx, cy + dy)] ?? [] {
            let other = kept[j].state
            let oc = other.centre
            if hypot(oc.x - centre.x, oc.y - centre.y) < 3 && abs(log(other.area / c.state.area)) < 0.3 {
              duplicate = true
              break outer
            }
          }
        }
      }
      if duplicate { continue }
      byCell[cellKey(cx, cy), default: []].append(kept.count)
      kept.append(c)
      if kept.count >= options.maxFeatures { break }
    }
    return kept.compactMap { c in
      AffineRegion(momentsCentre: c.state.centre, covariance: c.state.covariance, response: 1 - c.instability)
    }
  }

  /// The instability of state `i` of a history whose states are `states` (lower is more stable).
  func instability(_ history: AlphaComponentTree.History, _ states: ArraySlice<AlphaComponentTree.State>, at i: Int) -> Double {
    let s = states[i]
    switch options.stability {
    case .areaVariation:
      // q(α) = [A(α/δ) − A(α·δ)] / A(α) on the step function A of the history [R]; only
      // defined for α > 0 and while the history lasts down to α/δ.
      let delta = options.stabilityDelta
      guard s.alpha > 0 else { return .infinity }
      let low = s.alpha / delta, high = s.alpha * delta
      if let end = history.endedAt, low < end { return .infinity }
      return (area(states, at: low) - area(states, at: high)) / s.area
    case .persistence:
      // (α_birth − α_death) / A is dimensionless; invert so that lower is more stable.
      let birth = states[states.startIndex].alpha, death = history.endedAt ?? 0
      let persistence = (birth - death) / Swift.max(s.area, 1e-9)
      return persistence > 0 ? 1 / persistence : .infinity
    }
  }

  /// The area of the history at `alpha`: the last state whose α is ≥ `alpha` (0 before birth).
  /// States come in decreasing α, so a binary search finds it (a linear scan per state made
  /// long histories quadratic).
  func area(_ states: ArraySlice<AlphaComponentTree.State>, at alpha: Double) -> Double {
    var low = states.startIndex, high = states.endIndex  // first index with α < alpha is in low...high
    while low < high {
      let mid = (low + high) / 2
      if states[mid].alpha >= alpha { low = mid + 1 } else { high = mid }
    }
    return low > states.startIndex ? states[low - 1].area : 0
  }
}
