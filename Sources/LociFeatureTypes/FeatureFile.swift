import Foundation
import LociCore

/// On-disk formats for one image's features.
public enum FeatureFileFormat: String, Sendable, CaseIterable {
  /// Loci's binary format (lossless, with provenance and a checksum).
  case lfeat
  /// The Oxford/Mikolajczyk text format `u v a b c d1 … dn` (no orientation, no provenance).
  case vgg

  /// File-name suffix appended to the image's name (`img1.png` → `img1.png.lfeat`).
  public var fileExtension: String {
    switch self {
    case .lfeat: return "lfeat"
    case .vgg: return "vgg"
    }
  }
}

/// Reading and writing `FeatureSet`s.
///
/// `.lfeat` layout (little-endian): magic `LOCIFEAT`, version UInt32, image width and
/// height UInt32, detector, parameters, source path, relative path (UInt32 length + UTF-8
/// each), descriptor kind UInt8, dimension UInt32, count UInt32, [version 2 only: part count
/// UInt32, then per part its detector (UInt32 length + UTF-8) and feature count UInt32], then
/// per region 7 Float32 (x, y, s11, s12, s22, angle or NaN, response), then count ×
/// dimension Float32 descriptors, then CRC-32C (UInt32) of everything before it.
///
/// Version 1 is written for sets of one detector (every reader of version 1 reads them);
/// version 2 only for sets combining several (`FeatureSet.parts`). Both are read.
public enum FeatureFile {
  public static let magic = Array("LOCIFEAT".utf8)
  /// The newest version written (sets of one detector are still written as version 1).
  public static let version: UInt32 = 2
  /// No combined set has more detectors than this; more means a corrupt header.
  static let maxParts = 64
  static let floatsPerRegion = 7
  /// No image has more features than this; larger counts mean a corrupt header.
  static let maxCount = 50_000_000
  static let maxDimension = 4096

  // MARK: Binary

  public static func encode(_ set: FeatureSet) -> [UInt8] {
    var w = BinaryWriter()
    w.write(raw: magic)
    w.write(set.parts.count > 1 ? version : 1)
    w.write(UInt32(set.imageWidth))
    w.write(UInt32(set.imageHeight))
    w.write(set.detector)
    w.write(set.parameters)
    w.write(set.sourcePath)
    w.write(set.relativePath)
    w.write(set.descriptorKind.code)
    w.write(UInt32(set.dimension))
    w.write(UInt32(set.count))
    if set.parts.count > 1 {
      precondition(set.parts.reduce(0) { $0 + $1.count } == set.count, "parts must cover the features")
      w.write(UInt32(set.parts.count))
      for part in set.parts {
        w.write(part.detector)
        w.write(UInt32(part.count))
      }
    }
    var floats = [Float]()
    floats.reserveCapacity(set.count * floatsPerRegion)
    for r in set.regions {
      floats += [Float(r.x), Float(r.y), Float(r.shape.a), Float(r.shape.b), Float(r.shape.c),
                 r.angle.map(Float.init) ?? .nan, Float(r.response)]
    }
    w.write(floats: floats)
    w.write(floats: set.descriptors)
    w.sealWithChecksum()
    return w.bytes
  }

  /// A checksum proves the file was not damaged, not that its values make sense: positions
  /// and shapes must be finite and below 10⁹ in magnitude, the angle finite (or NaN: none)
  /// and below 10⁶ rad, the response finite. Geometry downstream (HPM's bins, RANSAC's
  /// maps) assumes as much.
  static func checkRegionValues(_ f: [Double], feature i: Int, path: String) throws {
    let names = ["x", "y", "s11", "s12", "s22", "angle", "response"]
    for (k, v) in f.enumerated() {
      let ok: Bool
      switch k {
      case 5: ok = v.isNaN || (v.isFinite && abs(v) < 1e6)
      case 6: ok = v.isFinite
      default: ok = v.isFinite && abs(v) < 1e9
      }
      guard ok else { throw FeatureFileError.implausible(path: path, reason: "feature \(i): \(names[k]) is \(v)") }
    }
  }

  public static func decode(_ bytes: [UInt8], path: String) throws -> FeatureSet {
    guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
      throw FeatureFileError.badMagic(path: path)
    }
    guard bytes.count >= magic.count + 8 else {
      throw FeatureFileError.truncated(path: path, detail: "\(bytes.count) bytes, shorter than the header")
    }
    var r = BinaryReader(bytes, offset: magic.count, end: bytes.count - 4)
    do {
      let v = try r.readUInt32()
      guard (1...version).contains(v) else { throw FeatureFileError.unsupportedVersion(path: path, version: v) }
      let (stored, computed) = CRC32C.trailingChecksum(of: bytes)
      guard stored == computed else {
        throw FeatureFileError.checksumMismatch(path: path, stored: stored, computed: computed)
      }
      let width = Int(try r.readUInt32()), height = Int(try r.readUInt32())
      let detector = try r.readString(), parameters = try r.readString()
      let sourcePath = try r.readString(), relativePath = try r.readString()
      let kindCode = try r.readUInt8()
      guard let kind = DescriptorKind(code: kindCode) else {
        throw FeatureFileError.implausible(path: path, reason: "unknown descriptor kind \(kindCode)")
      }
      let dimension = Int(try r.readUInt32()), count = Int(try r.readUInt32())
      guard dimension <= maxDimension, count <= maxCount, (kind == .none) == (dimension == 0) else {
        throw FeatureFileError.implausible(path: path, reason: "\(count) features of dimension \(dimension) (\(kind.rawValue))")
      }
      var parts: [FeatureSet.Part] = []
      if v >= 2 {
        let partCount = Int(try r.readUInt32())
        guard (2...maxParts).contains(partCount) else {
          throw FeatureFileError.implausible(path: path, reason: "\(partCount) detector parts (2…\(maxParts) in a combined set)")
        }
        for _ in 0..<partCount {
          let name = try r.readString(), partFeatures = Int(try r.readUInt32())
          guard !name.isEmpty else { throw FeatureFileError.implausible(path: path, reason: "a detector part without a name") }
          // Matching finds a detector's features by its name: a name twice would hide a part.
          guard !parts.contains(where: { $0.detector == name }) else {
            throw FeatureFileError.implausible(path: path, reason: "detector part '\(name)' named twice")
          }
          parts.append(FeatureSet.Part(detector: name, count: partFeatures))
        }
        let covered = parts.reduce(0) { $0 + $1.count }
        guard covered == count else {
          throw FeatureFileError.implausible(path: path, reason: "detector parts hold \(covered) features, the set \(count)")
        }
      }
      let payload = count * (floatsPerRegion + dimension) * 4
      guard payload == r.remaining else {
        throw FeatureFileError.implausible(
          path: path, reason: "\(count) features need \(payload) bytes of payload, the file has \(r.remaining)")
      }
      let raw = try r.readFloats(count * floatsPerRegion)
      var regions = [AffineRegion]()
      regions.reserveCapacity(count)
      for i in 0..<count {
        let f = raw[(i * floatsPerRegion)..<((i + 1) * floatsPerRegion)].map(Double.init)
        let b = f.startIndex
        try checkRegionValues(f, feature: i, path: path)
        regions.append(AffineRegion(x: f[b], y: f[b + 1], shape: SymmetricMatrix2(a: f[b + 2], b: f[b + 3], c: f[b + 4]),
                                    angle: f[b + 5].isNaN ? nil : f[b + 5], response: f[b + 6]))
      }
      let descriptors = try r.readFloats(count * dimension)
      if let bad = descriptors.firstIndex(where: { !$0.isFinite }) {
        throw FeatureFileError.implausible(path: path, reason: "feature \(bad / dimension): descriptor component \(bad % dimension) is \(descriptors[bad])")
      }
      return FeatureSet(imageWidth: width, imageHeight: height, detector: detector, parameters: parameters,
                        descriptorKind: kind, dimension: dimension, regions: regions, descriptors: descriptors,
                        sourcePath: sourcePath, relativePath: relativePath, parts: parts)
    } catch let error as BinaryReadError {
      switch error {
      case let .truncated(needed, available):
        throw FeatureFileError.truncated(path: path, detail: "needed \(needed) more bytes, \(available) left")
      case .invalidString:
        throw FeatureFileError.implausible(path: path, reason: "a text field is not valid UTF-8")
      }
    }
  }

  // MARK: Files

  /// Writes atomically (temporary file + rename) in the given format.
  public static func write(_ set: FeatureSet, to url: URL, format: FeatureFileFormat = .lfeat) throws {
    let data: Data
    switch format {
    case .lfeat: data = Data(encode(set))
    case .vgg: data = Data(encodeVGG(set).utf8)
    }
    do { try writeAtomically(data, to: url) } catch let error as AtomicWriteError {
      throw FeatureFileError.unwritable(path: url.path, reason: error.reason)
    }
  }

  /// Reads a `.lfeat` file, or a VGG text file (recognised by not starting with the magic).
  public static func read(from url: URL) throws -> FeatureSet {
    let bytes: [UInt8]
    do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
      throw FeatureFileError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    if bytes.starts(with: magic) { return try decode(bytes, path: url.path) }
    if url.pathExtension == FeatureFileFormat.lfeat.fileExtension || bytes.isEmpty {
      throw FeatureFileError.badMagic(path: url.path)
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw FeatureFileError.badMagic(path: url.path)
    }
    return try decodeVGG(text, path: url.path)
  }

  /// Whether `url` holds a readable, checksum-valid feature file (resume uses this).
  public static func isValid(at url: URL) -> Bool {
    (try? read(from: url)) != nil
  }
}
