import Foundation
import XCTest

@testable import LociFeatures
@testable import LociImage

/// The whole detector on synthetic images with known geometry.
final class MFDDetectorTests: XCTestCase {
  /// Ellipses (centre, semi-axes, angle) on a mid-grey background, bright and dark.
  static let ellipses: [(x: Double, y: Double, a: Double, b: Double, angle: Double)] = [
    (60, 55, 30, 15, 30), (170, 65, 22, 22, 0), (85, 145, 34, 18, -60), (185, 150, 20, 13, 0),
  ]

  static func ellipseImage(scale: Double = 1) -> GrayImage {
    GrayImage(width: Int(240 * scale), height: Int(200 * scale)) { px, py in
      let x = (Double(px) + 0.5) / scale - 0.5, y = (Double(py) + 0.5) / scale - 0.5
      for (k, e) in ellipses.enumerated() {
        let t = e.angle * Double.pi / 180
        let u = (x - e.x) * cos(t) + (y - e.y) * sin(t), v = -(x - e.x) * sin(t) + (y - e.y) * cos(t)
        if (u / e.a) * (u / e.a) + (v / e.b) * (v / e.b) <= 1 { return k % 2 == 0 ? 0.85 : 0.15 }
      }
      return 0.5
    }.gaussianBlurred(sigma: Float(scale))
  }

  func nearest(_ regions: [AffineRegion], x: Double, y: Double) -> AffineRegion? {
    regions.min { hypot($0.x - x, $0.y - y) < hypot($1.x - x, $1.y - y) }
  }

  func testDetectsEllipsesAsThoseEllipses() throws {
    let regions = try MFDDetector().detect(in: Self.ellipseImage())
    for e in Self.ellipses {
      let r = try XCTUnwrap(nearest(regions, x: e.x, y: e.y))
      XCTAssertEqual(r.x, e.x, accuracy: 1, "centre of \(e)")
      XCTAssertEqual(r.y, e.y, accuracy: 1, "centre of \(e)")
      let (l1, l2) = r.shape.eigenvalues
      XCTAssertEqual(l1.squareRoot() / e.a, 1, accuracy: 0.05, "major axis of \(e)")
      XCTAssertEqual(l2.squareRoot() / e.b, 1, accuracy: 0.05, "minor axis of \(e)")
    }
  }

  /// `workingScale = 0.5` on the ellipses drawn at twice the size detects them on a half-size
  /// copy and reports them in the input's coordinates: centres within 1 px, axes within 5 %.
  func testWorkingScaleReportsRegionsInInputCoordinates() throws {
    var options = MFDOptions()
    options.workingScale = 0.5
    let regions = try MFDDetector(options: options).detect(in: Self.ellipseImage(scale: 2))
    XCTAssertFalse(MFDDetector(options: options).parameters.isEmpty)
    for e in Self.ellipses {
      let r = try XCTUnwrap(nearest(regions, x: 2 * e.x + 0.5, y: 2 * e.y + 0.5))
      XCTAssertEqual(r.x, 2 * e.x + 0.5, accuracy: 1, "centre of \(e)")
      XCTAssertEqual(r.y, 2 * e.y + 0.5, accuracy: 1, "centre of \(e)")
      let (l1, l2) = r.shape.eigenvalues
      XCTAssertEqual(l1.squareRoot() / (2 * e.a), 1, accuracy: 0.05, "major axis of \(e)")
      XCTAssertEqual(l2.squareRoot() / (2 * e.b), 1, accuracy: 0.05, "minor axis of \(e)")
    }
  }

  func testCovariantUnderRotationBy90DegreesAndScaleTwo() throws {
    let image = Self.ellipseImage()
    let h = image.height
    let rotated = GrayImage(width: image.height, height: image.width) { x, y in image[y, h - 1 - x] }
    let rotatedRegions = try MFDDetector().detect(in: rotated)
    let doubled = try MFDDetector().detect(in: Self.ellipseImage(scale: 2))
    for e in Self.ellipses {
      let original = try XCTUnwrap(nearest(try MFDDetector().detect(in: image), x: e.x, y: e.y))
      // (x, y) ↦ (H − 1 − y, x): the shape [[a b][b c]] becomes [[c −b][−b a]].
      let r = try XCTUnwrap(nearest(rotatedRegions, x: Double(h - 1) - e.y, y: e.x))
      XCTAssertEqual(r.x, Double(h - 1) - original.y, accuracy: 0.5)
      XCTAssertEqual(r.y, original.x, accuracy: 0.5)
      XCTAssertEqual(r.shape.a, original.shape.c, accuracy: 0.03 * original.shape.trace)
      XCTAssertEqual(r.shape.b, -original.shape.b, accuracy: 0.03 * original.shape.trace)
      // ×2: pixel centres map as p ↦ 2p + 0.5, shapes ×4.
      let d = try XCTUnwrap(nearest(doubled, x: 2 * e.x + 0.5, y: 2 * e.y + 0.5))
      XCTAssertEqual(d.x, 2 * original.x + 0.5, accuracy: 1.5)
      XCTAssertEqual(d.y, 2 * original.y + 0.5, accuracy: 1.5)
      XCTAssertEqual(d.shape.determinant.squareRoot() / (4 * original.shape.determinant.squareRoot()), 1, accuracy: 0.1)
    }
  }

  /// An open ring (radii 22–30, a 40° gap): its inside is found through the gap, the
  /// incomplete-boundary case the paper names.
  func testFindsTheInsideOfAnOpenRing() throws {
    let image = GrayImage(width: 120, height: 120) { px, py in
      let dx = Double(px) - 60, dy = Double(py) - 60
      let r = hypot(dx, dy), angle = atan2(dy, dx) * 180 / Double.pi
      return r >= 22 && r <= 30 && abs(angle) > 20 ? 0.85 : 0.3
    }.gaussianBlurred(sigma: 1)
    let regions = try MFDDetector().detect(in: image)
    let inside = try XCTUnwrap(nearest(regions, x: 60, y: 60))
    XCTAssertEqual(inside.x, 60, accuracy: 3)
    XCTAssertEqual(inside.y, 60, accuracy: 3)
    XCTAssertEqual(inside.scale, 22, accuracy: 4, "about the ring's inner radius")
  }

  func testDegenerateImagesGiveEmptyOrSensibleResults() throws {
    XCTAssertTrue(try MFDDetector().detect(in: GrayImage(width: 64, height: 64, value: 0.5)).isEmpty)
    XCTAssertTrue(try MFDDetector().detect(in: GrayImage(width: 1, height: 1, value: 0.5)).isEmpty)
    let edge = GrayImage(width: 80, height: 60) { x, _ in x < 40 ? 0.2 : 0.8 }
    XCTAssertTrue(try MFDDetector().detect(in: edge).allSatisfy { $0.shape.isPositiveDefinite })
  }

  /// Every stage is reachable and consistent: labels cover the image, each basin's peak
  /// carries its own label, selected nodes are the regions.
  func testAnalysisExposesConsistentStages() {
    let a = MFDDetector().analyse(Self.ellipseImage())
    XCTAssertEqual(a.distance.distance.count, 240 * 200)
    XCTAssertTrue(a.partition.labels.allSatisfy { $0 >= 0 })
    for (i, basin) in a.partition.basins.enumerated() { XCTAssertEqual(a.partition.labels[basin.peak], Int32(i)) }
    XCTAssertEqual(a.partition.basins.reduce(0) { $0 + $1.moments.area }, 240 * 200)
    XCTAssertEqual(a.selected.count, a.regions.count)
    XCTAssertFalse(a.medialAxis.points.isEmpty)
  }

  /// `detect` skips the medial axis but must return exactly `analyse`'s regions (one level).
  func testDetectReturnsTheRegionsOfAnalyse() throws {
    let image = Self.ellipseImage()
    var options = MFDOptions()
    options.scaleLevels = 1
    for method in MFDOptions.PartitionMethod.allCases {
      options.partitionMethod = method
      let detector = MFDDetector(options: options)
      let detected = try detector.detect(in: image), analysed = detector.analyse(image).regions
      XCTAssertFalse(detected.isEmpty)
      XCTAssertEqual(detected.map { [$0.x, $0.y, $0.shape.a, $0.shape.b, $0.shape.c, $0.response] },
                     analysed.map { [$0.x, $0.y, $0.shape.a, $0.shape.b, $0.shape.c, $0.response] }, "\(method)")
    }
  }

  /// The levels run in parallel when `threads` allows: the regions, their order included,
  /// are those of the levels run in turn.
  func testParallelLevelsGiveTheSameRegions() throws {
    let image = Self.ellipseImage(scale: 2)
    func key(_ r: AffineRegion) -> [Double] { [r.x, r.y, r.shape.a, r.shape.b, r.shape.c, r.response] }
    let serial = try MFDDetector(threads: 1).detect(in: image).map(key)
    XCTAssertGreaterThan(serial.count, Self.ellipses.count)
    for threads in [0, 2, 3, 16] {
      XCTAssertEqual(try MFDDetector(threads: threads).detect(in: image).map(key), serial, "threads \(threads)")
    }
  }

  /// `parallelMap` keeps the order, runs every item once and rethrows the first error in
  /// item order, whatever the number of workers.
  func testParallelMapKeepsOrderAndRethrowsTheFirstError() throws {
    struct Failure: Error, Equatable { let item: Int }
    for threads in [0, 1, 2, 5] {
      XCTAssertEqual(try ScaleLevelDetection.parallelMap(Array(0..<50), threads: threads) { $0 * $0 }, (0..<50).map { $0 * $0 })
      XCTAssertThrowsError(try ScaleLevelDetection.parallelMap(Array(0..<50), threads: threads) { i -> Int in
        if i % 7 == 3 { throw Failure(item: i) }
        return i
      }) { XCTAssertEqual($0 as? Failure, Failure(item: 3), "threads \(threads)") }
    }
  }

  /// With scale levels, `detect` is the union of one-level detections on the pyramid's
  /// levels, mapped back by each level's factor and ranked by score, finer level first on ties.
  func testScaleLevelsAreTheUnionOfOneLevelDetections() throws {
    let image = Self.ellipseImage(scale: 2)
    var options = MFDOptions()
    options.scaleLevels = 3
    let detected = try MFDDetector(options: options).detect(in: image)
    var single = options
    single.scaleLevels = 1
    var expected: [(region: AffineRegion, order: Int)] = []
    for level in image.pyramid(levels: 3, step: options.scaleStep) {
      XCTAssertEqual(level.factor, Double(level.image.width) / Double(image.width))
      for r in try MFDDetector(options: single).detect(in: level.image) {
        expected.append((r.scaled(by: 1 / level.factor), expected.count))
      }
    }
    expected.sort { ($0.region.response, -$0.order) > ($1.region.response, -$1.order) }
    func key(_ r: AffineRegion) -> [Double] { [r.x, r.y, r.shape.a, r.shape.b, r.shape.c, r.response] }
    XCTAssertGreaterThan(detected.count, Self.ellipses.count, "coarser levels add regions")
    XCTAssertEqual(detected.map(key), expected.map { key($0.region) })
    // Every ellipse is found at the finest level and again at a coarser one, where its
    // region maps back onto the same ellipse: centre within 1.5 px, area within 10 %.
    for e in Self.ellipses {
      let near = detected.filter { hypot($0.x - (2 * e.x + 0.5), $0.y - (2 * e.y + 0.5)) < 1.5 }
      let areas = near.map { $0.shape.determinant.squareRoot() / (4 * e.a * e.b) }
      XCTAssertGreaterThanOrEqual(areas.filter { abs($0 - 1) < 0.1 }.count, 2, "\(e): \(areas)")
    }
  }
}
