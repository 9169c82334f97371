import Foundation
import LociFeatureTypes
import XCTest

@testable import LociExport

/// The COLMAP database as COLMAP reads it: read back through SQLite, every convention the
/// export converts is checked against a hand-computed value.
final class COLMAPDatabaseTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("loci-colmap-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  private func image(_ name: String, regions: [AffineRegion], descriptors: [Float]) -> COLMAPDatabase.Image {
    COLMAPDatabase.Image(name: name, features: FeatureSet(imageWidth: 200, imageHeight: 100, detector: "test", descriptorKind: .rootsift,
                                                          dimension: 2, regions: regions, descriptors: descriptors))
  }

  private func floats(_ value: SQLiteDatabase.Value) -> [Float] {
    guard case let .blob(data) = value else { return [] }
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }

  private func doubles(_ value: SQLiteDatabase.Value) -> [Double] {
    guard case let .blob(data) = value else { return [] }
    return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
  }

  private func uint32s(_ value: SQLiteDatabase.Value) -> [UInt32] {
    guard case let .blob(data) = value else { return [] }
    return data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
  }

  /// Two images, one pair listed second-first: ids, pair id, swapped matches, H shifted to
  /// COLMAP's pixel centres and inverted for the swap, keypoints and descriptors converted.
  func testEveryConventionOfTheExport() throws {
    // A circle of radius 2 oriented at 90°: frame A = 2·R(90°) = [[0, −2], [2, 0]].
    let a = image("dir/a.jpg", regions: [AffineRegion(x: 10, y: 20, radius: 2, angle: .pi / 2), AffineRegion(x: 0, y: 0, radius: 1)],
                  descriptors: [0.6, 0.8, 1, 0])
    let b = image("b.png", regions: [AffineRegion(x: 5, y: 5, radius: 1), AffineRegion(x: 7, y: 3, radius: 1),
                                     AffineRegion(x: 1, y: 1, radius: 1)], descriptors: [0, 1, 0.001, 0.5, 0.3, 0.3])
    // The pair is (b, a): b's features 2 and 0 match a's 0 and 1; H: a ← b is a translation by (3, −4).
    let pair = COLMAPDatabase.TwoView(first: 1, second: 0, matches: [(2, 0), (0, 1), (1, 1)], inliers: [(2, 0), (0, 1)],
                                      homography: [1, 0, 3, 0, 1, -4, 0, 0, 1])
    let url = folder.appendingPathComponent("db.sqlite")
    try COLMAPDatabase.write(images: [a, b], pairs: [pair], to: url)
    let db = try SQLiteDatabase(path: url.path)

    XCTAssertEqual(try db.rows("SELECT image_id, name, camera_id FROM images ORDER BY image_id"),
                   [[.integer(1), .text("dir/a.jpg"), .integer(1)], [.integer(2), .text("b.png"), .integer(2)]])
    let camera = try db.rows("SELECT model, width, height, params, prior_focal_length FROM cameras WHERE camera_id = 1")[0]
    XCTAssertEqual(Array(camera[0..<3]), [.integer(2), .integer(200), .integer(100)], "SIMPLE_RADIAL, 200 × 100")
    XCTAssertEqual(doubles(camera[3]), [240, 100, 50, 0], "f = 1.2 × 200, principal point at the centre, k = 0")
    XCTAssertEqual(camera[4], .integer(0))
    XCTAssertEqual(try db.rows("SELECT rig_id, ref_sensor_id, ref_sensor_type FROM rigs WHERE rig_id = 2"), [[.integer(2), .integer(2), .integer(0)]])
    XCTAssertEqual(try db.rows("SELECT * FROM frame_data WHERE frame_id = 2"), [[.integer(2), .integer(2), .integer(2), .integer(0)]])

    let keypoints = try db.rows("SELECT rows, cols, data FROM keypoints WHERE image_id = 1")[0]
    XCTAssertEqual(Array(keypoints[0..<2]), [.integer(2), .integer(6)])
    let k = floats(keypoints[2])
    XCTAssertEqual(Array(k[0..<2]), [10.5, 20.5], "COLMAP's first pixel centre is (0.5, 0.5)")
    for (value, expected) in zip(k[2..<6], [Float(0), -2, 2, 0]) { XCTAssertEqual(value, expected, accuracy: 1e-6) }

    let descriptors = try db.rows("SELECT type, rows, cols, data FROM descriptors WHERE image_id = 2")[0]
    XCTAssertEqual(Array(descriptors[0..<3]), [.integer(0), .integer(3), .integer(2)])
    XCTAssertEqual(descriptors[3], .blob(Data([0, 255, 1, 255, 154, 154])), "round(512 d), clamped to 255")

    // Pair (2, 1) is stored as (1, 2): id 2147483647 · 1 + 2, columns swapped.
    let pairID: Int64 = 2_147_483_647 + 2
    let matches = try db.rows("SELECT pair_id, rows, cols, data FROM matches")[0]
    XCTAssertEqual(Array(matches[0..<3]), [.integer(pairID), .integer(3), .integer(2)])
    XCTAssertEqual(uint32s(matches[3]), [0, 2, 1, 0, 1, 1])
    let geometry = try db.rows("SELECT pair_id, rows, data, config, H FROM two_view_geometries")[0]
    XCTAssertEqual(Array(geometry[0..<2]), [.integer(pairID), .integer(2)])
    XCTAssertEqual(uint32s(geometry[2]), [0, 2, 1, 0])
    XCTAssertEqual(geometry[3], .integer(4), "PLANAR")
    // A translation commutes with the half-pixel shift; swapped, it is b ← a: by (−3, 4).
    let h = doubles(geometry[4])
    for (value, expected) in zip(h, [1.0, 0, -3, 0, 1, 4, 0, 0, 1]) { XCTAssertEqual(value, expected, accuracy: 1e-12) }
  }

  /// A scaling about the origin gains a translation when the origin moves half a pixel: with
  /// x_c = x + 0.5, H = diag(2, 2, 1) becomes x_c' = 2(x_c − 0.5) + 0.5 = 2x_c − 0.5, i.e.
  /// [[2, 0, −0.5], [0, 2, −0.5], [0, 0, 1]].
  func testHomographyMovesToCOLMAPsPixelCentres() throws {
    let h = try XCTUnwrap(COLMAPDatabase.colmapConvention([2, 0, 0, 0, 2, 0, 0, 0, 1]))
    for (value, expected) in zip(h, [2.0, 0, -0.5, 0, 2, -0.5, 0, 0, 1]) { XCTAssertEqual(value, expected, accuracy: 1e-12) }
    let inverse = try XCTUnwrap(COLMAPDatabase.invert3([2, 1, 0, 0, 1, 3, 1, 0, 1]))
    let identity = COLMAPDatabase.multiply3([2, 1, 0, 0, 1, 3, 1, 0, 1], inverse)
    for (value, expected) in zip(identity, [1.0, 0, 0, 0, 1, 0, 0, 0, 1]) { XCTAssertEqual(value, expected, accuracy: 1e-12) }
  }

  func testTheLegacySchemaHasCOLMAP38sColumns() throws {
    let url = folder.appendingPathComponent("old.db")
    try COLMAPDatabase.write(images: [image("a.jpg", regions: [AffineRegion(x: 1, y: 1, radius: 1)], descriptors: [1, 0])],
                             pairs: [], to: url, schema: .legacy)
    let db = try SQLiteDatabase(path: url.path)
    let columns = try db.rows("SELECT name FROM pragma_table_info('images')").map { row -> String in
      guard case let .text(name) = row[0] else { return "" }
      return name
    }
    XCTAssertEqual(columns, ["image_id", "name", "camera_id", "prior_qw", "prior_qx", "prior_qy", "prior_qz", "prior_tx", "prior_ty", "prior_tz"])
    XCTAssertEqual(try db.rows("SELECT rows, cols FROM descriptors"), [[.integer(1), .integer(2)]])
    XCTAssertTrue(try db.rows("SELECT name FROM sqlite_master WHERE name = 'rigs'").isEmpty)
  }

  func testAnExistingDatabaseIsKeptUnlessOverwritten() throws {
    let url = folder.appendingPathComponent("db.sqlite")
    try Data("precious".utf8).write(to: url)
    let images = [image("a.jpg", regions: [], descriptors: [])]
    XCTAssertThrowsError(try COLMAPDatabase.write(images: images, pairs: [], to: url))
    XCTAssertEqual(try Data(contentsOf: url), Data("precious".utf8))
    try COLMAPDatabase.write(images: images, pairs: [], to: url, overwrite: true)
    XCTAssertEqual(try SQLiteDatabase(path: url.path).rows("SELECT name FROM images"), [[.text("a.jpg")]])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["db.sqlite"], "no temporary file is left")
  }

  func testMatchesOutsideTheImagesAreRefusedBeforeWriting() throws {
    let url = folder.appendingPathComponent("db.sqlite")
    let images = [image("a.jpg", regions: [AffineRegion(x: 1, y: 1, radius: 1)], descriptors: [1, 0]),
                  image("b.jpg", regions: [AffineRegion(x: 1, y: 1, radius: 1)], descriptors: [1, 0])]
    let bad = COLMAPDatabase.TwoView(first: 0, second: 1, matches: [(0, 1)], inliers: [], homography: nil)
    XCTAssertThrowsError(try COLMAPDatabase.write(images: images, pairs: [bad], to: url))
    XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    let duplicate = [images[0], images[0]]
    XCTAssertThrowsError(try COLMAPDatabase.write(images: duplicate, pairs: [], to: url))
  }
}

final class HlocFilesTests: XCTestCase {
  /// hloc's names_to_pair: slashes inside each name become dashes, one slash joins them.
  func testPairKeysAreHlocs() {
    XCTAssertEqual(HlocFiles.pairKey("a/b.jpg", "c.jpg"), "a-b.jpg/c.jpg")
    XCTAssertEqual(HlocFiles.pairKey("x.png", "d/e/f.png"), "x.png/d-e-f.png")
  }
}

final class KaptureFilesTests: XCTestCase {
  func testTheTreeKaptureReads() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loci-kapture-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    func set(_ regions: [AffineRegion]) -> FeatureSet {
      FeatureSet(imageWidth: 40, imageHeight: 30, detector: "t", descriptorKind: .rootsift, dimension: 1, regions: regions,
                 descriptors: regions.map { _ in 1 })
    }
    let images = [(name: "b/2.jpg", features: set([AffineRegion(x: 1, y: 2, radius: 1)])),
                  (name: "a.jpg", features: set([AffineRegion(x: 3, y: 4, radius: 2), AffineRegion(x: 5, y: 6, radius: 1)]))]
    let root = folder.appendingPathComponent("k")
    // Listed (b/2.jpg, a.jpg): kapture keeps pairs in name order, so the columns swap.
    try KaptureFiles.write(images: images, pairs: [KaptureFiles.Pair(first: 0, second: 1, matches: [(0, 1, 2.5)])], to: root,
                           keypointsType: "kp", descriptorsType: "ds")
    XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("sensors/records_camera.txt"), encoding: .utf8),
                   "# kapture format: 1.1\n# timestamp, device_id, image_path\n0, cam_0, b/2.jpg\n0, cam_1, a.jpg\n")
    XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("sensors/sensors.txt"), encoding: .utf8)
      .split(separator: "\n")[2], "cam_0, , camera, SIMPLE_RADIAL, 40, 30, 48.0, 20.0, 15.0, 0")
    let kpt = try Data(contentsOf: root.appendingPathComponent("reconstruction/keypoints/kp/a.jpg.kpt"))
    let floats = kpt.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    XCTAssertEqual(floats, [3, 4, 2, 0, 0, 2, 5, 6, 1, 0, 0, 1], "x y and the affine frame, per keypoint")
    let matches = try Data(contentsOf: root.appendingPathComponent("reconstruction/matches/kp/a.jpg.overlapping/b/2.jpg.matches"))
    XCTAssertEqual(matches.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }, [1, 0, 2.5])
    XCTAssertThrowsError(try KaptureFiles.write(images: images, pairs: [], to: root, keypointsType: "kp", descriptorsType: "ds"),
                         "an existing tree is kept")
    XCTAssertThrowsError(try KaptureFiles.write(images: [(name: "x,y.jpg", features: images[0].features)], pairs: [],
                                                to: folder.appendingPathComponent("k2"), keypointsType: "kp", descriptorsType: "ds"))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["k"], "nothing half-written is left")
  }
}
