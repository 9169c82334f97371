import Foundation
import LociFeatureTypes

/// Writes features, matches and verified two-view geometries into a COLMAP database, the
/// SQLite file `colmap mapper` and pycolmap's `incremental_mapping` reconstruct from.
///
/// COLMAP ignores imported matches unless `two_view_geometries` holds their inliers, so both
/// tables are filled: `matches` with the tentative correspondences, `two_view_geometries` with
/// the verified inliers, configuration PLANAR (Loci verifies with a homography) and H.
/// Conventions converted on the way (COLMAP's `src/colmap/scene/database.cc` and
/// `feature/types.h`):
/// - positions: COLMAP puts the first pixel's centre at (0.5, 0.5), Loci at (0, 0), so
///   x + 0.5, y + 0.5, and H is conjugated by that shift;
/// - keypoints are 6 Float32 columns `x y a11 a12 a21 a22`, the affine frame that maps the
///   unit circle onto the region with its first column along the orientation
///   (`AffineRegion.affineFrame`), as COLMAP's affine SIFT stores it;
/// - descriptors are UInt8: round(512 · d) clamped to 255, COLMAP's own scaling of its
///   L2-normalised (or L1-root) SIFT, so a unit-norm RootSIFT maps as COLMAP's RootSIFT does;
/// - a pair is `pair_id = 2147483647 · id1 + id2` with id1 < id2, matches swapped (and H
///   inverted) when the pair list had them the other way;
/// - cameras: one SIMPLE_RADIAL camera per image, focal length `focalFactor` × the larger
///   side (COLMAP's default 1.2 when it has no EXIF focal length), principal point at the
///   centre, no distortion, `prior_focal_length` 0 (not known).
public enum COLMAPDatabase {
  /// The table layout to write: `current` (COLMAP 3.12 and later, pycolmap 3.12+: trivial
  /// rigs and frames, one per camera and image) or `legacy` (COLMAP 3.8 as Debian 12 ships it).
  public enum Schema: String, CaseIterable, Sendable {
    case current
    case legacy = "3.8"
  }

  /// One image: its name relative to the image root (what `--image_path` is joined with),
  /// size and features.
  public struct Image: Sendable {
    public var name: String
    public var features: FeatureSet
    public init(name: String, features: FeatureSet) {
      self.name = name
      self.features = features
    }
  }

  /// A verified pair: indices into the image list, the tentative matches and the inliers
  /// among them (feature indices in the first and second image), and the homography
  /// second ← first in Loci's pixel convention (row-major), when verification found one.
  public struct TwoView: Sendable {
    public var first: Int
    public var second: Int
    public var matches: [(UInt32, UInt32)]
    public var inliers: [(UInt32, UInt32)]
    public var homography: [Double]?
    public init(first: Int, second: Int, matches: [(UInt32, UInt32)], inliers: [(UInt32, UInt32)], homography: [Double]?) {
      self.first = first
      self.second = second
      self.matches = matches
      self.inliers = inliers
      self.homography = homography
    }
  }

  public struct ExportError: Error, CustomStringConvertible {
    public var description: String
  }

  /// COLMAP's image ids are below 2³¹ − 1 and pair ids combine two of them.
  static let maxImageID: Int64 = 2_147_483_647

  static func pairID(_ id1: Int64, _ id2: Int64) -> Int64 { maxImageID * Swift.min(id1, id2) + Swift.max(id1, id2) }

  /// Writes a new database at `url` (replacing one that is there only when `overwrite`),
  /// atomically: it is built beside the target and renamed into place, so a failed export
  /// leaves nothing half-written. Images get ids 1, 2, … in list order.
  public static func write(images: [Image], pairs: [TwoView], to url: URL, schema: Schema = .current,
                           focalFactor: Double = 1.2, overwrite: Bool = false) throws {
    if FileManager.default.fileExists(atPath: url.path) && !overwrite {
      throw ExportError(description: "\(url.path) exists; pass --overwrite to replace it")
    }
    guard Int64(images.count) < maxImageID else { throw ExportError(description: "too many images for COLMAP") }
    var names = Set<String>()
    for image in images where !names.insert(image.name).inserted {
      throw ExportError(description: "image name \(image.name) appears twice")
    }
    for pair in pairs {
      guard images.indices.contains(pair.first), images.indices.contains(pair.second), pair.first != pair.second else {
        throw ExportError(description: "pair (\(pair.first), \(pair.second)) does not name two images of the list")
      }
      let (a, b) = (images[pair.first].features.count, images[pair.second].features.count)
      for (i, j) in pair.matches + pair.inliers where Int(i) >= a || Int(j) >= b {
        throw ExportError(description: "match (\(i), \(j)) is outside \(images[pair.first].name) (\(a) features) "
          + "or \(images[pair.second].name) (\(b))")
      }
    }
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    defer { try? FileManager.default.removeItem(at: temporary) }
    do {
      let db = try SQLiteDatabase(path: temporary.path)
      try db.execute(schema == .current ? COLMAPSchema.current : COLMAPSchema.legacy)
      try db.transaction {
        for (k, image) in images.enumerated() { try insert(image, id: Int64(k + 1), into: db, schema: schema, focalFactor: focalFactor) }
        for pair in pairs { try insert(pair, into: db) }
      }
    }
    // rename(2) replaces the target atomically (same folder, so same file system).
    guard rename(temporary.path, url.path) == 0 else {
      throw ExportError(description: "\(url.path): cannot move the new database into place: \(String(cString: strerror(errno)))")
    }
  }

  private static func insert(_ image: Image, id: Int64, into db: SQLiteDatabase, schema: Schema, focalFactor: Double) throws {
    let set = image.features
    let (w, h) = (Double(set.imageWidth), Double(set.imageHeight))
    let params = [focalFactor * Swift.max(w, h), w / 2, h / 2, 0]
    // SIMPLE_RADIAL is model 2: f, cx, cy, k.
    try db.run("INSERT INTO cameras VALUES (?, 2, ?, ?, ?, 0)",
               [.integer(id), .integer(Int64(set.imageWidth)), .integer(Int64(set.imageHeight)), .blob(bytes(params))])
    switch schema {
    case .current:
      try db.run("INSERT INTO images VALUES (?, ?, ?)", [.integer(id), .text(image.name), .integer(id)])
      // A trivial rig (one camera, sensor type 0 = camera) and one frame holding the image.
      try db.run("INSERT INTO rigs VALUES (?, ?, 0)", [.integer(id), .integer(id)])
      try db.run("INSERT INTO frames VALUES (?, ?)", [.integer(id), .integer(id)])
      try db.run("INSERT INTO frame_data VALUES (?, ?, ?, 0)", [.integer(id), .integer(id), .integer(id)])
    case .legacy:
      try db.run("INSERT INTO images (image_id, name, camera_id) VALUES (?, ?, ?)", [.integer(id), .text(image.name), .integer(id)])
    }
    var keypoints: [Float] = []
    keypoints.reserveCapacity(set.count * 6)
    for region in set.regions {
      let a = region.affineFrame
      keypoints += [Float(region.x + 0.5), Float(region.y + 0.5), Float(a.m11), Float(a.m12), Float(a.m21), Float(a.m22)]
    }
    try db.run("INSERT INTO keypoints VALUES (?, ?, 6, ?)", [.integer(id), .integer(Int64(set.count)), .blob(bytes(keypoints))])
    if set.dimension > 0 {
      let descriptors = set.descriptors.map { UInt8(Swift.min(255, Swift.max(0, ($0 * 512).rounded()))) }
      let d = Int64(set.dimension), rows = Int64(set.count)
      switch schema {
      // Descriptor type 0: SIFT (COLMAP's FeatureExtractorType).
      case .current: try db.run("INSERT INTO descriptors VALUES (?, 0, ?, ?, ?)", [.integer(id), .integer(rows), .integer(d), .blob(Data(descriptors))])
      case .legacy: try db.run("INSERT INTO descriptors VALUES (?, ?, ?, ?)", [.integer(id), .integer(rows), .integer(d), .blob(Data(descriptors))])
      }
    }
  }

  private static func insert(_ pair: TwoView, into db: SQLiteDatabase) throws {
    let id1 = Int64(pair.first + 1), id2 = Int64(pair.second + 1)
    let swapped = id1 > id2
    func blob(_ matches: [(UInt32, UInt32)]) -> Data { bytes(matches.flatMap { swapped ? [$0.1, $0.0] : [$0.0, $0.1] }) }
    let pairID = pairID(id1, id2)
    try db.run("INSERT INTO matches VALUES (?, ?, 2, ?)", [.integer(pairID), .integer(Int64(pair.matches.count)), .blob(blob(pair.matches))])
    var homography: SQLiteDatabase.Value = .null
    if var h = pair.homography.flatMap(COLMAPDatabase.colmapConvention) {
      if swapped, let inverse = invert3(h) { h = inverse }
      // COLMAP's matrix blobs are row-major (checked by reading H back through pycolmap).
      homography = .blob(bytes(h))
    }
    // Configuration 4 = PLANAR: the inliers agree with one homography. Without inliers the
    // pair is DEGENERATE (1), which COLMAP leaves out of its correspondence graph.
    let config: Int64 = pair.inliers.isEmpty ? 1 : 4
    try db.run("INSERT INTO two_view_geometries (pair_id, rows, cols, data, config, H) VALUES (?, ?, 2, ?, ?, ?)",
               [.integer(pairID), .integer(Int64(pair.inliers.count)), .blob(blob(pair.inliers)), .integer(config), homography])
  }

  /// H in COLMAP's pixel convention: T·H·T⁻¹ with T the shift by (0.5, 0.5), normalised so
  /// that H₃₃ = 1 when it can be.
  static func colmapConvention(_ h: [Double]) -> [Double]? {
    guard h.count == 9, h.allSatisfy(\.isFinite) else { return nil }
    let t = [1, 0, 0.5, 0, 1, 0.5, 0, 0, 1.0], tInverse = [1, 0, -0.5, 0, 1, -0.5, 0, 0, 1.0]
    var m = multiply3(multiply3(t, h), tInverse)
    let last = m[8]
    if abs(last) > 1e-12 { m = m.map { $0 / last } }
    return m
  }

  static func multiply3(_ a: [Double], _ b: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: 9)
    for row in 0..<3 {
      for column in 0..<3 {
        for k in 0..<3 { out[row * 3 + column] += a[row * 3 + k] * b[k * 3 + column] }
      }
    }
    return out
  }

  static func invert3(_ m: [Double]) -> [Double]? {
    let c0: Double = m[4] * m[8] - m[5] * m[7], c1: Double = m[2] * m[7] - m[1] * m[8], c2: Double = m[1] * m[5] - m[2] * m[4]
    let c3: Double = m[5] * m[6] - m[3] * m[8], c4: Double = m[0] * m[8] - m[2] * m[6], c5: Double = m[2] * m[3] - m[0] * m[5]
    let c6: Double = m[3] * m[7] - m[4] * m[6], c7: Double = m[1] * m[6] - m[0] * m[7], c8: Double = m[0] * m[4] - m[1] * m[3]
    let det: Double = m[0] * c0 + m[1] * c3 + m[2] * c6
    guard abs(det) > 1e-15 else { return nil }
    return [c0, c1, c2, c3, c4, c5, c6, c7, c8].map { $0 / det }
  }

  /// The little-endian bytes of an array (COLMAP's blobs are raw arrays in memory order; this
  /// package builds only for little-endian machines).
  static func bytes<T>(_ values: [T]) -> Data { values.withUnsafeBytes { Data($0) } }
}
