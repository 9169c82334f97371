import Foundation
import XCTest

@testable import LociGeometry

final class OneToOneTests: XCTestCase {
  /// The largest subset of `edges` in which no feature of A or B repeats, by enumerating
  /// every subset (small inputs only).
  static func bruteForceMaximum(_ edges: [Correspondence]) -> Int {
    var best = 0
    for mask in 0..<(1 << edges.count) {
      var usedA = Set<Int32>(), usedB = Set<Int32>(), ok = true, size = 0
      for k in edges.indices where mask >> k & 1 == 1 {
        guard usedA.insert(edges[k].a).inserted, usedB.insert(edges[k].b).inserted else { ok = false; break }
        size += 1
      }
      if ok { best = Swift.max(best, size) }
    }
    return best
  }

  func testMaximumMatchingEqualsBruteForceOnRandomGraphs() {
    var state: UInt64 = 17
    func next(_ n: Int) -> Int32 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int32((state >> 33) % UInt64(n))
    }
    for trial in 0..<300 {
      let m = 1 + trial % 12
      let edges = (0..<m).map { _ in Correspondence(a: next(5), b: next(5)) }
      let chosen = OneToOneMatching.maximum(edges)
      XCTAssertEqual(chosen.count, Self.bruteForceMaximum(edges), "trial \(trial): \(edges)")
      XCTAssertEqual(Set(chosen.map { edges[$0].a }).count, chosen.count, "no feature of A twice")
      XCTAssertEqual(Set(chosen.map { edges[$0].b }).count, chosen.count, "no feature of B twice")
    }
  }

  /// Greedy in index order takes (0,0) and then blocks (1,0); the augmenting path moves
  /// feature 0 of A to B's 1 so that both A features are matched.
  func testAugmentingPathBeatsGreedy() {
    let edges = [Correspondence(a: 0, b: 0), Correspondence(a: 0, b: 1), Correspondence(a: 1, b: 0)]
    XCTAssertEqual(OneToOneMatching.maximum(edges), [1, 2])
    XCTAssertEqual(OneToOneMatching.count(edges, keep: [true, false, true]), 1)
  }

  /// Ten true correspondences, and three of their query features also matched to two
  /// duplicates each of their database feature (a repeated pattern at the same place): all
  /// 16 agree with the transform, but only 10 are one-to-one. The count must equal the
  /// brute-force maximum over the correspondences the true map transfers within 8 px.
  func testRANSACCountsInliersOneToOne() {
    var framesA: [LocalFrame] = [], framesB: [LocalFrame] = [], c: [Correspondence] = []
    let (s, angle, t) = (0.9, 0.3, (40.0, -15.0))
    func mapped(_ p: LocalFrame) -> LocalFrame {
      LocalFrame(x: s * (cos(angle) * p.x - sin(angle) * p.y) + t.0, y: s * (sin(angle) * p.x + cos(angle) * p.y) + t.1,
                 scale: p.scale * s, angle: p.angle + angle)
    }
    for k in 0..<10 {
      let p = LocalFrame(x: Double(37 * k % 300) + 20, y: Double(71 * k % 200) + 30, scale: 3 + Double(k % 4), angle: 0.2 * Double(k))
      framesA.append(p)
      framesB.append(mapped(p))
      c.append(Correspondence(a: Int32(k), b: Int32(k)))
    }
    for k in 0..<3 {
      for _ in 0..<2 {
        framesB.append(framesB[k])
        c.append(Correspondence(a: Int32(k), b: Int32(framesB.count - 1)))
      }
    }
    let result = RANSACVerifier().verify(c, framesA: framesA, framesB: framesB)
    let transferred = c.filter { corr in
      let q = mapped(framesA[Int(corr.a)]), b = framesB[Int(corr.b)]
      return (q.x - b.x) * (q.x - b.x) + (q.y - b.y) * (q.y - b.y) < 64
    }
    XCTAssertEqual(transferred.count, 16)
    XCTAssertEqual(result.inlierCount, Self.bruteForceMaximum(Array(transferred.prefix(16))))
    XCTAssertEqual(result.inlierCount, 10)
    XCTAssertEqual(result.score, 10)
  }
}
