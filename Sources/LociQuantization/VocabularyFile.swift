import Foundation
import LociCore

/// Why a vocabulary file could not be read or written. Every case names the file.
public enum VocabularyFileError: Error, CustomStringConvertible, Equatable, Sendable {
  case unreadable(path: String, reason: String)
  case unwritable(path: String, reason: String)
  case badMagic(path: String)
  case unsupportedVersion(path: String, version: UInt32)
  case truncated(path: String)
  case checksumMismatch(path: String)
  case implausible(path: String, reason: String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): return "\(path): cannot read vocabulary: \(reason)"
    case let .unwritable(path, reason): return "\(path): cannot write vocabulary: \(reason)"
    case let .badMagic(path): return "\(path): not a Loci vocabulary (.lvoc) file"
    case let .unsupportedVersion(path, version): return "\(path): vocabulary version \(version) is not supported; retrain it"
    case let .truncated(path): return "\(path): truncated vocabulary file; retrain it"
    case let .checksumMismatch(path): return "\(path): vocabulary checksum mismatch: the file is corrupt; retrain it"
    case let .implausible(path, reason): return "\(path): corrupt vocabulary: \(reason)"
    }
  }
}

/// The `.lvoc` format (little-endian): magic `LOCIVOCB`, version UInt32 (= 2; 1 is still
/// read), method and parameters (UInt32 length + UTF-8 each), dimension and count UInt32,
/// count × dimension Float32 centroids, a UInt8 flag, then per flag: 0 nothing; 1 the
/// mixture's count σ and count π (Float32, AGM/EGM); 2 (version 2) the DRVQ tree (see
/// `DRVQCoding.swift`), whose words are the centroids; then CRC-32C of everything before it.
///
/// The centroids are stored for every method, so any vocabulary gives exact assignment and
/// the index needs nothing else; DRVQ adds the tree for its fast encoders.
public enum VocabularyFile {
  public static let magic = Array("LOCIVOCB".utf8)
  public static let version: UInt32 = 2
  /// The largest centroid component read back: descriptors are normalised (RootSIFT, SIFT
  /// up to 512), so anything near this is damage, and the squared distances stay finite.
  static let maxMagnitude: Float = 1e6

  public struct Contents: Sendable {
    public var method: String
    public var parameters: String
    public var vocabulary: FlatVocabulary
    /// Per-word σ and mixing weight π, for Gaussian-mixture vocabularies.
    public var sigmas: [Float]?
    public var weights: [Float]?
    /// The DRVQ tree, for DRVQ vocabularies (its words are `vocabulary`'s centroids).
    public var drvq: DRVQVocabulary?
  }

  public static func encode(_ vocabulary: FlatVocabulary, method: String, parameters: String,
                            sigmas: [Float]? = nil, weights: [Float]? = nil, drvq: DRVQVocabulary? = nil) -> [UInt8] {
    precondition((sigmas == nil) == (weights == nil), "σ and π come together")
    precondition(drvq == nil || sigmas == nil, "a vocabulary is a mixture or a DRVQ tree, not both")
    var w = BinaryWriter()
    w.write(raw: magic)
    w.write(version)
    w.write(method)
    w.write(parameters)
    w.write(UInt32(vocabulary.dimension))
    w.write(UInt32(vocabulary.count))
    w.write(floats: vocabulary.centroids)
    if let sigmas, let weights {
      precondition(sigmas.count == vocabulary.count && weights.count == vocabulary.count, "one σ and π per word")
      w.write(UInt8(1))
      w.write(floats: sigmas)
      w.write(floats: weights)
    } else if let drvq {
      precondition(drvq.count == vocabulary.count && drvq.dimension == vocabulary.dimension, "the tree's words are the centroids")
      w.write(UInt8(2))
      drvq.encode(into: &w)
    } else {
      w.write(UInt8(0))
    }
    w.sealWithChecksum()
    return w.bytes
  }

  public static func decode(_ bytes: [UInt8], path: String) throws -> Contents {
    guard bytes.starts(with: magic) else { throw VocabularyFileError.badMagic(path: path) }
    guard bytes.count >= magic.count + 8 else { throw VocabularyFileError.truncated(path: path) }
    var r = BinaryReader(bytes, offset: magic.count, end: bytes.count - 4)
    do {
      let v = try r.readUInt32()
      guard v == version || v == 1 else { throw VocabularyFileError.unsupportedVersion(path: path, version: v) }
      let (stored, computed) = CRC32C.trailingChecksum(of: bytes)
      guard stored == computed else { throw VocabularyFileError.checksumMismatch(path: path) }
      let method = try r.readString(), parameters = try r.readString()
      let dimension = Int(try r.readUInt32()), count = Int(try r.readUInt32())
      guard dimension > 0, dimension <= 4096, count > 0, count <= 1 << 26,
            count * dimension * 4 + 1 <= r.remaining else {
        throw VocabularyFileError.implausible(path: path, reason: "\(count) words of dimension \(dimension) in \(r.remaining) bytes")
      }
      let centroids = try r.readFloats(count * dimension)
      if let bad = centroids.firstIndex(where: { !$0.isFinite || abs($0) > maxMagnitude }) {
        throw VocabularyFileError.implausible(path: path, reason: "centroid \(bad / dimension), component \(bad % dimension): value \(centroids[bad])")
      }
      let extra = try r.readUInt8()
      var sigmas: [Float]? = nil, weights: [Float]? = nil, drvq: DRVQVocabulary? = nil
      switch extra {
      case 0: break
      case 1:
        sigmas = try r.readFloats(count)
        weights = try r.readFloats(count)
        if let bad = sigmas!.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
          throw VocabularyFileError.implausible(path: path, reason: "word \(bad): σ \(sigmas![bad]) is not a positive finite number")
        }
        if let bad = weights!.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
          throw VocabularyFileError.implausible(path: path, reason: "word \(bad): weight π \(weights![bad]) is not a finite number ≥ 0")
        }
      case 2 where v >= 2:
        let tree = try DRVQVocabulary.decode(from: &r, dimension: dimension)
        guard tree.count == count else {
          throw VocabularyFileError.implausible(path: path, reason: "the DRVQ tree has \(tree.count) words, the file \(count)")
        }
        drvq = tree
      default:
        throw VocabularyFileError.implausible(path: path, reason: "unknown section \(extra)")
      }
      guard r.remaining == 0 else { throw VocabularyFileError.implausible(path: path, reason: "unexpected trailing data") }
      return Contents(method: method, parameters: parameters, vocabulary: FlatVocabulary(dimension: dimension, centroids: centroids),
                      sigmas: sigmas, weights: weights, drvq: drvq)
    } catch let e as DRVQFormatError {
      throw VocabularyFileError.implausible(path: path, reason: e.reason)
    } catch is BinaryReadError {
      throw VocabularyFileError.truncated(path: path)
    }
  }

  public static func write(_ vocabulary: FlatVocabulary, method: String, parameters: String, sigmas: [Float]? = nil,
                           weights: [Float]? = nil, drvq: DRVQVocabulary? = nil, to url: URL) throws {
    let bytes = encode(vocabulary, method: method, parameters: parameters, sigmas: sigmas, weights: weights, drvq: drvq)
    StaleTemporaries.removeSiblings(of: url)
    do { try writeAtomically(Data(bytes), to: url) } catch let e as AtomicWriteError {
      throw VocabularyFileError.unwritable(path: url.path, reason: e.reason)
    }
  }

  public static func read(from url: URL) throws -> Contents {
    let bytes: [UInt8]
    do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
      throw VocabularyFileError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    return try decode(bytes, path: url.path)
  }
}
