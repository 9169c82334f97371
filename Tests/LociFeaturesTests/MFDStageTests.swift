import Foundation
import XCTest

@testable import LociFeatures
import LociKernels
@testable import LociImage
import LociCore

/// Known answers for each MFD stage: the distance transforms against brute force and closed
/// forms, the medial axis of a rectangle and a disc, the partition of two touching discs.
final class MFDStageTests: XCTestCase {
  func testWeightedDistanceEqualsBruteForceOnRandomHeights() {
    var rng = SplitMix64(seed: 7)
    for trial in 0..<6 {
      let w = 13 + trial, h = 11 + 2 * trial
      // Sparse low sources among high ones: the configuration where 8-neighbour source
      // propagation goes wrong most easily.
      let heights = (0..<(w * h)).map { _ -> Float in
        let u = Float(rng.unit())
        return u < 0.1 ? 3 * Float(rng.unit()) : 8 + 20 * Float(rng.unit())
      }
      let map = WeightedDistanceTransform.compute(heights: heights, width: w, height: h)
      let truth = WeightedDistanceTransform.bruteForce(heights: heights, width: w, height: h)
      for i in truth.indices {
        XCTAssertEqual(map.distance[i], truth[i], accuracy: 1e-4, "trial \(trial) pixel \(i)")
        // The source really generates the distance.
        let s = Int(map.source[i])
        let dx = Float(i % w - s % w), dy = Float(i / w - s / w)
        XCTAssertEqual((dx * dx + dy * dy).squareRoot() + heights[s], map.distance[i], accuracy: 1e-4)
      }
    }
  }

  /// A larger map shaped like MFD's real input (low heights along random curved "edges",
  /// high elsewhere), where raster-scan propagation has long paths to carry sources along.
  func testWeightedDistanceEqualsBruteForceOnEdgeLikeHeights() {
    var rng = SplitMix64(seed: 21)
    let w = 64, h = 48
    var heights = [Float](repeating: 0, count: w * h)
    let centres = (0..<6).map { _ in (Double(rng.unit()) * Double(w), Double(rng.unit()) * Double(h), 4 + Double(rng.unit()) * 14) }
    for y in 0..<h {
      for x in 0..<w {
        // Distance to the nearest circle outline, turned into a height: 0 on an outline.
        let nearest = centres.map { abs(hypot(Double(x) - $0.0, Double(y) - $0.1) - $0.2) }.min()!
        heights[y * w + x] = Float(Swift.min(nearest, 3) * 10) + 0.5 * Float(rng.unit())
      }
    }
    let map = WeightedDistanceTransform.compute(heights: heights, width: w, height: h)
    let truth = WeightedDistanceTransform.bruteForce(heights: heights, width: w, height: h)
    var worst: Float = 0
    for i in truth.indices { worst = Swift.max(worst, abs(map.distance[i] - truth[i])) }
    XCTAssertLessThan(worst, 1e-4)
  }

  func testWeightedDistanceFromASinglePointAndALineIsEuclidean() {
    let w = 40, h = 30
    var heights = [Float](repeating: .infinity, count: w * h)
    heights[12 * w + 9] = 2
    let point = WeightedDistanceTransform.compute(heights: heights, width: w, height: h)
    for y in 0..<h {
      for x in 0..<w {
        XCTAssertEqual(point.distance[y * w + x], Float(hypot(Double(x - 9), Double(y - 12))) + 2, accuracy: 1e-4)
        XCTAssertEqual(point.source[y * w + x], Int32(12 * w + 9))
      }
    }
    var line = [Float](repeating: .infinity, count: w * h)
    for y in 0..<h { line[y * w + 17] = 0 }
    let lineMap = WeightedDistanceTransform.compute(heights: line, width: w, height: h)
    for y in 0..<h {
      for x in 0..<w { XCTAssertEqual(lineMap.distance[y * w + x], Float(abs(x - 17)), accuracy: 1e-5) }
    }
  }

  func testBinaryDistanceTransformIsExact() {
    var rng = SplitMix64(seed: 3)
    for trial in 0..<4 {
      let w = 20 + 3 * trial, h = 17
      let boundary = (0..<(w * h)).map { _ in rng.unit() < 0.04 }
      let map = EuclideanDistanceTransform.compute(boundary: boundary, width: w, height: h)
      let truth = WeightedDistanceTransform.bruteForce(heights: boundary.map { $0 ? 0 : .infinity }, width: w, height: h)
      for i in truth.indices {
        XCTAssertEqual(map.distance[i], truth[i], accuracy: 1e-4)
        let s = Int(map.source[i])
        XCTAssertTrue(boundary[s])
        XCTAssertEqual(Float(hypot(Double(i % w - s % w), Double(i / w - s / w))), truth[i], accuracy: 1e-4)
      }
    }
    let empty = EuclideanDistanceTransform.compute(boundary: [Bool](repeating: false, count: 12), width: 4, height: 3)
    XCTAssertTrue(empty.source.allSatisfy { $0 == -1 })
  }

  /// The outline of the rectangle x ∈ [10, 70], y ∈ [10, 40]: inside, the axis is the centre
  /// line y = 25 for x ∈ [25, 55] plus the four 45° branches to the corners.
  func testMedialAxisOfARectangle() {
    let w = 80, h = 50
    var boundary = [Bool](repeating: false, count: w * h)
    for x in 10...70 { boundary[10 * w + x] = true; boundary[40 * w + x] = true }
    for y in 10...40 { boundary[y * w + 10] = true; boundary[y * w + 70] = true }
    let axis = MedialAxis(map: EuclideanDistanceTransform.compute(boundary: boundary, width: w, height: h))
    let inside = axis.points.filter { $0.pixel % w > 10 && $0.pixel % w < 70 && $0.pixel / w > 10 && $0.pixel / w < 40 }
    XCTAssertGreaterThan(inside.count, 40)
    for p in inside {
      let x = Double(p.x), y = Double(p.y)
      let onCentre = abs(y - 25) <= 1 && x >= 24 && x <= 56
      let diagonal = [(10.0, 10.0, 1.0, 1.0), (70, 10, -1, 1), (10, 40, 1, -1), (70, 40, -1, -1)].contains { cx, cy, sx, sy in
        let u = (x - cx) * sx, v = (y - cy) * sy
        return u >= 0 && v >= 0 && u <= 16 && abs(u - v) <= 1.5
      }
      XCTAssertTrue(onCentre || diagonal, "medial point (\(x), \(y)) off the rectangle's axis")
    }
    for x in 26...54 { XCTAssertTrue(axis.isMedial(x: x, y: 25) || axis.isMedial(x: x, y: 24), "centre line at x = \(x)") }
  }

  /// A circle of radius 20: the axis shrinks to the centre, where D = 20.
  func testMedialAxisOfADiscIsItsCentre() {
    let w = 64, h = 64
    var boundary = [Bool](repeating: false, count: w * h)
    for k in 0..<720 {
      let t = Double(k) * Double.pi / 360
      boundary[Int((32 + 20 * sin(t)).rounded()) * w + Int((32 + 20 * cos(t)).rounded())] = true
    }
    let map = EuclideanDistanceTransform.compute(boundary: boundary, width: w, height: h)
    let axis = MedialAxis(map: map)
    let inside = axis.points.filter { hypot(Double($0.x) - 32, Double($0.y) - 32) < 18 }
    XCTAssertFalse(inside.isEmpty)
    for p in inside { XCTAssertLessThan(hypot(Double(p.x) - 32, Double(p.y) - 32), 3.5) }
    // Rounded circle pixels lie 19.4–20.5 px from the centre.
    XCTAssertEqual(map.distance[32 * w + 32], 20, accuracy: 0.75)
  }

  /// Two overlapping discs of radius 25 centred at (45, 45) and (85, 45), and the binary
  /// boundary of their union (inside pixels with a 4-neighbour outside).
  static let discsWidth = 130, discsHeight = 90
  static func insideDiscs(_ x: Int, _ y: Int) -> Bool {
    hypot(Double(x - 45), Double(y - 45)) <= 25 || hypot(Double(x - 85), Double(y - 45)) <= 25
  }
  static func discsBoundary() -> [Bool] {
    let w = discsWidth, h = discsHeight
    var boundary = [Bool](repeating: false, count: w * h)
    for y in 1..<(h - 1) {
      for x in 1..<(w - 1) where insideDiscs(x, y) {
        if !insideDiscs(x - 1, y) || !insideDiscs(x + 1, y) || !insideDiscs(x, y - 1) || !insideDiscs(x, y + 1) {
          boundary[y * w + x] = true
        }
      }
    }
    return boundary
  }

  /// Two overlapping discs (radius 25, centres 40 px apart): two basins, split at the neck
  /// (x = 60), each with its peak at its disc's centre and ρ ≈ 25.
  func testPartitionOfTwoTouchingDiscs() {
    let (w, h) = (Self.discsWidth, Self.discsHeight)
    let (inside, boundary) = (Self.insideDiscs, Self.discsBoundary())
    let analysis = MFDDetector().analyse(binaryBoundary: boundary, width: w, height: h)
    let labels = analysis.partition.labels
    let left = labels[45 * w + 45], right = labels[45 * w + 85]
    XCTAssertNotEqual(left, right)
    for (label, cx) in [(left, 45), (right, 85)] {
      let basin = analysis.partition.basins[Int(label)]
      XCTAssertEqual(Double(basin.peak % w), Double(cx), accuracy: 1.5)
      XCTAssertEqual(Double(basin.peak / w), 45, accuracy: 1.5)
      XCTAssertEqual(basin.rho, 25, accuracy: 1)
    }
    // Every interior pixel belongs to the disc on its side of the neck.
    for y in 0..<h {
      for x in 0..<w where inside(x, y) && !boundary[y * w + x] && abs(x - 65) > 2 {
        XCTAssertEqual(labels[y * w + x], x < 65 ? left : right, "pixel (\(x), \(y))")
      }
    }
    let saddle = analysis.partition.saddles.first { Set([$0.a, $0.b]) == Set([left, right]) }
    let s = try! XCTUnwrap(saddle)
    XCTAssertEqual(Double(Int(s.pixel) % w), 65, accuracy: 1.5)
    // The neck's half-width: √(25² − 20²) = 15.
    XCTAssertEqual(s.height, 15, accuracy: 1)
  }
}

extension MFDStageTests {
  /// The steepest-ascent partition splits the two touching discs at the same neck, with the
  /// same saddle height as flooding.
  func testSteepestAscentPartitionAgreesOnTwoTouchingDiscs() throws {
    let (w, h) = (Self.discsWidth, Self.discsHeight)
    let (inside, boundary) = (Self.insideDiscs, Self.discsBoundary())
    let map = EuclideanDistanceTransform.compute(boundary: boundary, width: w, height: h)
    let partition = MedialPartition(steepestAscentOf: map)
    let left = partition.labels[45 * w + 45], right = partition.labels[45 * w + 85]
    XCTAssertNotEqual(left, right)
    for y in 0..<h {
      for x in 0..<w where inside(x, y) && !boundary[y * w + x] && abs(x - 65) > 2 {
        XCTAssertEqual(partition.labels[y * w + x], x < 65 ? left : right, "pixel (\(x), \(y))")
      }
    }
    XCTAssertEqual(partition.basins[Int(left)].rho, 25, accuracy: 1)
    let saddle = try XCTUnwrap(partition.saddles.first { Set([$0.a, $0.b]) == Set([left, right]) })
    XCTAssertEqual(saddle.height, 15, accuracy: 1)
  }
}

extension MFDStageTests {
  /// Maps of every size from 1×1 to 7×6: the row passes handle four pixels at a time and
  /// offsets up to two columns, so narrow rows and leftover columns are the edge cases.
  func testWeightedDistanceEqualsBruteForceOnTinyMaps() {
    var rng = SplitMix64(seed: 5)
    for w in 1...7 {
      for h in 1...6 {
        let heights = (0..<(w * h)).map { _ -> Float in
          rng.unit() < 0.2 ? Float(rng.unit()) : 5 + 10 * Float(rng.unit())
        }
        let map = WeightedDistanceTransform.compute(heights: heights, width: w, height: h)
        let truth = WeightedDistanceTransform.bruteForce(heights: heights, width: w, height: h)
        for i in truth.indices { XCTAssertEqual(map.distance[i], truth[i], accuracy: 1e-4, "\(w)×\(h) pixel \(i)") }
      }
    }
  }

  /// Steepest ascent against its definition: each pixel climbs to the 3×3 neighbour with the
  /// highest D (ties to the larger index) until it stays put, and its basin is that peak's.
  /// Heights are quantised to a few levels so that ties and plateaus are common.
  func testSteepestAscentFollowsTheHighestNeighbourWithIndexTies() {
    var rng = SplitMix64(seed: 17)
    for (w, h) in [(1, 1), (1, 9), (9, 1), (2, 3), (17, 13), (40, 31)] {
      let distance = (0..<(w * h)).map { _ in Float(Int(rng.unit() * 4)) }
      let map = DistanceMap(width: w, height: h, distance: distance, source: [Int32](repeating: -1, count: w * h),
                            sourceHeight: [Float](repeating: 0, count: w * h))
      let partition = MedialPartition(steepestAscentOf: map)
      func next(_ p: Int) -> Int {
        var best = p
        for qy in max(0, p / w - 1)...min(h - 1, p / w + 1) {
          for qx in max(0, p % w - 1)...min(w - 1, p % w + 1) {
            let q = qy * w + qx
            if distance[q] > distance[best] || (distance[q] == distance[best] && q > best) { best = q }
          }
        }
        return best
      }
      for p in 0..<(w * h) {
        var peak = p
        while next(peak) != peak { peak = next(peak) }
        XCTAssertEqual(partition.basins[Int(partition.labels[p])].peak, peak, "\(w)×\(h) pixel \(p)")
      }
    }
  }
}

extension MFDStageTests {
  /// A run's closed-form sums equal adding its pixels one by one, exactly.
  func testMomentsOfARunEqualPixelByPixelSums() {
    var rng = SplitMix64(seed: 3)
    for _ in 0..<200 {
      let (w, h) = (1 + Int(rng.unit() * 3000), 1 + Int(rng.unit() * 2000))
      let y = Int(rng.unit() * Double(h)), x0 = Int(rng.unit() * Double(w))
      let x1 = x0 + Int(rng.unit() * Double(w - x0))
      var run = RegionMoments(), pixels = RegionMoments()
      run.addRun(from: x0, through: x1, y: y, width: w, height: h)
      for x in x0...x1 { pixels.add(x: x, y: y, onBorder: x == 0 || y == 0 || x == w - 1 || y == h - 1) }
      XCTAssertEqual(run, pixels, "row \(y), x \(x0)...\(x1) of \(w)×\(h)")
    }
  }
}

extension MFDStageTests {
  /// The row offer, SSE build and (where the CPU has it) AVX2 build, against the scalar
  /// definition on random rows of every width up to 37 and every offset up to ±2: the same
  /// bits, including ties (strictly smaller wins) and leftover columns.
  func testRowOfferKernelsEqualTheScalarDefinition() {
    var rng = SplitMix64(seed: 11)
    for width in 1...37 {
      for offset in -2...2 {
        let first = max(0, -offset), end = min(width, width - offset)
        guard first < end else { continue }
        let y: Float = 7
        let columns = (0..<width).map(Float.init)
        let neighbourX = (0..<width).map { _ in Float(Int(rng.unit() * 40)) }
        let neighbourY = (0..<width).map { _ in Float(Int(rng.unit() * 20)) }
        let neighbourH = (0..<width).map { _ in Float(Int(rng.unit() * 4)) }
        let startD = (0..<width).map { _ in Float(Int(rng.unit() * 30)) }
        var expected = (startD, [Float](repeating: -1, count: width), [Float](repeating: -1, count: width),
                        [Float](repeating: -1, count: width))
        for x in first..<end {
          let q = x + offset
          let ex = columns[x] - neighbourX[q], ey = y - neighbourY[q]
          let candidate = (ex * ex + ey * ey).squareRoot() + neighbourH[q]
          if candidate < expected.0[x] {
            (expected.0[x], expected.1[x], expected.2[x], expected.3[x]) = (candidate, neighbourX[q], neighbourY[q], neighbourH[q])
          }
        }
        typealias Kernel = (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                            UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Void
        func run(_ kernel: Kernel) -> ([Float], [Float], [Float], [Float]) {
          var (d, sx, sy, sh) = (startD, [Float](repeating: -1, count: width), [Float](repeating: -1, count: width),
                                 [Float](repeating: -1, count: width))
          d.withUnsafeMutableBufferPointer { d in
            sx.withUnsafeMutableBufferPointer { sx in
              sy.withUnsafeMutableBufferPointer { sy in
                sh.withUnsafeMutableBufferPointer { sh in
                  neighbourX.withUnsafeBufferPointer { nx in
                    neighbourY.withUnsafeBufferPointer { ny in
                      neighbourH.withUnsafeBufferPointer { nh in
                        kernel(d.baseAddress!, sx.baseAddress!, sy.baseAddress!, sh.baseAddress!,
                               nx.baseAddress! + offset, ny.baseAddress! + offset, nh.baseAddress! + offset)
                      }
                    }
                  }
                }
              }
            }
          }
          return (d, sx, sy, sh)
        }
        let portable = columns.withUnsafeBufferPointer { c in
          run { LociFeatures.SourceRowKernel.offer(distance: $0, sourceX: $1, sourceY: $2, sourceHeight: $3, fromX: $4, fromY: $5,
                                      fromHeight: $6, first: first, end: end, y: y, columns: c.baseAddress!) }
        }
        XCTAssert(portable == expected, "portable kernel, width \(width), offset \(offset)")
        if CPUFeatures.hasAVX2AndFMA {
          let avx2 = columns.withUnsafeBufferPointer { c in
            run {
              var start = first
              #if arch(x86_64)
                start = loci_source_row_offer_avx2($0, $1, $2, $3, $4, $5, $6, first, end, y, c.baseAddress!)
              #endif
              LociFeatures.SourceRowKernel.offer(distance: $0, sourceX: $1, sourceY: $2, sourceHeight: $3, fromX: $4, fromY: $5,
                                                 fromHeight: $6, first: start, end: end, y: y, columns: c.baseAddress!)
            }
          }
          XCTAssert(avx2 == expected, "AVX2 kernel, width \(width), offset \(offset)")
        }
      }
    }
  }
}

extension MFDStageTests {
  /// The steepest-ascent saddles against their definition: for every pair of touching
  /// basins, the highest min(D(p), D(q)) over 8-adjacent p, q across them, listed in the
  /// raster order of first contact. Random quantised maps give thousands of basins, so the
  /// pair table grows several times.
  func testSteepestAscentSaddlesAreTheHighestPassesInFirstContactOrder() {
    var rng = SplitMix64(seed: 29)
    for (w, h) in [(2, 2), (31, 17), (160, 120)] {
      let distance = (0..<(w * h)).map { _ in Float(Int(rng.unit() * 6)) }
      let map = DistanceMap(width: w, height: h, distance: distance, source: [Int32](repeating: -1, count: w * h),
                            sourceHeight: [Float](repeating: 0, count: w * h))
      let partition = MedialPartition(steepestAscentOf: map)
      var expected: [(a: Int32, b: Int32, height: Float)] = []
      var index: [UInt64: Int] = [:]
      for p in 0..<(w * h) {
        let (x, y) = (p % w, p / w)
        for (dx, dy) in [(1, 0), (-1, 1), (0, 1), (1, 1)] where x + dx >= 0 && x + dx < w && y + dy < h {
          let q = (y + dy) * w + x + dx
          let (a, b) = (partition.labels[p], partition.labels[q])
          guard a != b else { continue }
          let key = UInt64(UInt32(min(a, b))) << 32 | UInt64(UInt32(max(a, b)))
          let pass = min(distance[p], distance[q])
          if let i = index[key] {
            expected[i].height = max(expected[i].height, pass)
          } else {
            index[key] = expected.count
            expected.append((min(a, b), max(a, b), pass))
          }
        }
      }
      XCTAssertEqual(partition.saddles.count, expected.count, "\(w)×\(h)")
      if w == 160 { XCTAssertGreaterThan(expected.count, 4096, "the table must have grown") }
      for (s, e) in zip(partition.saddles, expected) {
        XCTAssertEqual([s.a, s.b], [e.a, e.b], "\(w)×\(h)")
        XCTAssertEqual(s.height, e.height, "\(w)×\(h) saddle \(s.a)–\(s.b)")
        XCTAssertEqual(min(distance[Int(s.pixel)], s.height), s.height)
      }
    }
  }

  /// The pair table against a dictionary: every key found again with its first value.
  func testBasinPairTableFindsEveryPairAgain() {
    var table = BasinPairTable(expectedCount: 4)
    var reference: [UInt64: Int32] = [:]
    var rng = SplitMix64(seed: 5)
    for _ in 0..<20_000 {
      let a = Int32(rng.unit() * 300), b = Int32(rng.unit() * 300)
      guard a != b else { continue }
      let key = BasinPairTable.key(a, b)
      XCTAssertEqual(key, BasinPairTable.key(b, a))
      let fresh = Int32(reference.count)
      let (value, inserted) = table.findOrInsert(key, fresh)
      if let known = reference[key] {
        XCTAssertFalse(inserted)
        XCTAssertEqual(value, known)
      } else {
        XCTAssertTrue(inserted)
        XCTAssertEqual(value, fresh)
        reference[key] = fresh
      }
    }
    XCTAssertEqual(table.count, reference.count)
  }
}

extension MFDStageTests {
  /// The fused heights equal the two-step definition bit for bit: random, flat and
  /// saturating images, with the linear and a curved height profile.
  func testFusedHeightsEqualHeightsOfTheNormalisedGradient() throws {
    var rng = SplitMix64(seed: 41)
    let random = try GrayImage(width: 37, height: 23, pixels: (0..<(37 * 23)).map { _ in Float(rng.unit()) })
    let flat = try GrayImage(width: 9, height: 7, pixels: [Float](repeating: 0.5, count: 63))
    let step = GrayImage(width: 30, height: 20) { x, _ in x < 15 ? 0 : 1 }
    for image in [random, flat, step] {
      for (quantile, exponent) in [(Float(0.9), Float(1)), (0.5, 2)] {
        let fused = BoundaryStrength.heights(of: image, sigma: 1.5, quantile: quantile, heightScale: 32, exponent: exponent)
        let g = BoundaryStrength.normalisedGradient(image, sigma: 1.5, quantile: quantile)
        let twoStep = BoundaryStrength.heights(normalisedGradient: g, heightScale: 32, exponent: exponent)
        XCTAssertEqual(fused.map(\.bitPattern), twoStep.map(\.bitPattern), "\(image.width)×\(image.height) q=\(quantile)")
      }
    }
  }
}
