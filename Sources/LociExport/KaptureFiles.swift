import Foundation
import LociFeatureTypes

/// A kapture 1.1 tree (NAVER LABS' pivot format for SfM and localisation data) holding
/// features and verified matches:
/// - `sensors/sensors.txt`: one SIMPLE_RADIAL camera per image (w, h, f = 1.2 × the larger side,
///   cx, cy, k = 0: no calibration is known); `sensors/records_camera.txt`: timestamp 0, the
///   image's camera, its name;
/// - `reconstruction/keypoints/TYPE/keypoints.txt` (`TYPE, float32, 6`) and one `NAME.kpt` per
///   image: N × 6 Float32 rows x y a11 a12 a21 a22 (first pixel's centre at (0, 0); the
///   region's affine frame);
/// - `reconstruction/descriptors/TYPE/descriptors.txt` (`TYPE, float32, D, KEYPOINTS, L2`) and
///   `NAME.desc`: N × D Float32;
/// - `reconstruction/matches/KEYPOINTS/NAME0.overlapping/NAME1.matches`: N × 3 Float64 rows
///   (index in NAME0, index in NAME1, score), NAME0 < NAME1 as kapture orders pairs.
/// Text files start with `# kapture format: 1.1` and a header naming the columns; binary files
/// are raw little-endian arrays.
public enum KaptureFiles {
  public struct Pair: Sendable {
    public var first: Int
    public var second: Int
    /// (feature in the first image, feature in the second, score).
    public var matches: [(UInt32, UInt32, Double)]
    public init(first: Int, second: Int, matches: [(UInt32, UInt32, Double)]) {
      self.first = first
      self.second = second
      self.matches = matches
    }
  }

  public struct ExportError: Error, CustomStringConvertible {
    public var description: String
  }

  static let header = "# kapture format: 1.1\n"

  /// Writes the tree at `root`, which must not exist unless `overwrite` (then it is replaced).
  /// Built in a sibling folder and renamed into place, so a failed export leaves nothing.
  public static func write(images: [(name: String, features: FeatureSet)], pairs: [Pair], to root: URL,
                           keypointsType: String, descriptorsType: String, overwrite: Bool = false) throws {
    let files = FileManager.default
    if files.fileExists(atPath: root.path) && !overwrite {
      throw ExportError(description: "\(root.path) exists; pass --overwrite to replace it")
    }
    for name in images.map(\.name) + [keypointsType, descriptorsType] where name.contains(",") || name.hasPrefix("/") || name.isEmpty {
      throw ExportError(description: "'\(name)' cannot be a kapture name (empty, absolute or holding a comma)")
    }
    let staging = root.deletingLastPathComponent().appendingPathComponent(".\(root.lastPathComponent).\(UUID().uuidString).tmp")
    defer { try? files.removeItem(at: staging) }
    func put(_ relative: String, _ data: Data) throws {
      let url = staging.appendingPathComponent(relative)
      try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url)
    }
    var sensors = header + "# sensor_id, name, sensor_type, [sensor_params]+\n"
    var records = header + "# timestamp, device_id, image_path\n"
    for (k, image) in images.enumerated() {
      let (w, h) = (Double(image.features.imageWidth), Double(image.features.imageHeight))
      sensors += "cam_\(k), , camera, SIMPLE_RADIAL, \(image.features.imageWidth), \(image.features.imageHeight), "
        + "\(1.2 * Swift.max(w, h)), \(w / 2), \(h / 2), 0\n"
      records += "0, cam_\(k), \(image.name)\n"
    }
    try put("sensors/sensors.txt", Data(sensors.utf8))
    try put("sensors/records_camera.txt", Data(records.utf8))
    let keypoints = "reconstruction/keypoints/\(keypointsType)/", descriptors = "reconstruction/descriptors/\(descriptorsType)/"
    try put(keypoints + "keypoints.txt", Data((header + "# name, dtype, dsize\n\(keypointsType), float32, 6\n").utf8))
    let dimension = images.first?.features.dimension ?? 0
    if dimension > 0 {
      try put(descriptors + "descriptors.txt", Data((header + "# name, dtype, dsize, keypoints_type, metric_type\n"
        + "\(descriptorsType), float32, \(dimension), \(keypointsType), L2\n").utf8))
    }
    for image in images {
      let set = image.features
      var rows: [Float] = []
      rows.reserveCapacity(set.count * 6)
      for region in set.regions {
        let a = region.affineFrame
        rows += [Float(region.x), Float(region.y), Float(a.m11), Float(a.m12), Float(a.m21), Float(a.m22)]
      }
      try put(keypoints + image.name + ".kpt", rows.withUnsafeBytes { Data($0) })
      if dimension > 0 {
        guard set.dimension == dimension else {
          throw ExportError(description: "\(image.name): descriptors of dimension \(set.dimension), the others' is \(dimension)")
        }
        try put(descriptors + image.name + ".desc", set.descriptors.withUnsafeBytes { Data($0) })
      }
    }
    for pair in pairs {
      var (first, second) = (images[pair.first].name, images[pair.second].name)
      let swapped = second < first
      if swapped { swap(&first, &second) }
      let rows = pair.matches.flatMap { m -> [Double] in swapped ? [Double(m.1), Double(m.0), m.2] : [Double(m.0), Double(m.1), m.2] }
      try put("reconstruction/matches/\(keypointsType)/\(first).overlapping/\(second).matches", rows.withUnsafeBytes { Data($0) })
    }
    if overwrite && files.fileExists(atPath: root.path) { try files.removeItem(at: root) }
    guard rename(staging.path, root.path) == 0 else {
      throw ExportError(description: "\(root.path): cannot move the export into place: \(String(cString: strerror(errno)))")
    }
  }
}
