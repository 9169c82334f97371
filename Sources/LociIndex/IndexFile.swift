import Foundation
import LociCore

/// Why an index file could not be read or written. Every case names the file.
public enum IndexFileError: Error, CustomStringConvertible, Equatable, Sendable {
  case unreadable(path: String, reason: String)
  case unwritable(path: String, reason: String)
  case badMagic(path: String)
  case unsupportedVersion(path: String, version: UInt32)
  case truncated(path: String)
  case checksumMismatch(path: String)
  case implausible(path: String, reason: String)
  case vocabularyMismatch(path: String, expected: UInt32, found: UInt32)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): return "\(path): cannot read index: \(reason)"
    case let .unwritable(path, reason): return "\(path): cannot write index: \(reason)"
    case let .badMagic(path): return "\(path): not a Loci index (.lidx) file"
    case let .unsupportedVersion(path, version): return "\(path): index version \(version) is not supported; rebuild it"
    case let .truncated(path): return "\(path): truncated index file; rebuild it"
    case let .checksumMismatch(path): return "\(path): index checksum mismatch: the file is corrupt; rebuild it"
    case let .implausible(path, reason): return "\(path): corrupt index: \(reason)"
    case let .vocabularyMismatch(path, expected, found):
      return String(format: "%@: the vocabulary (fingerprint %08x) is not the one the index was built with (%08x)",
                    path, found, expected)
    }
  }
}

/// The `.lidx` format (little-endian): magic `LOCIINDX`, version UInt32 (3; versions 1 and 2
/// are still read); the vocabulary's path, fingerprint, dimension and size (the centroids stay
/// in the `.lvoc` file, which is reopened and checked against the fingerprint); kernel,
/// binarisation, the query options, seed and training minimum (version 2 adds the idf flag);
/// the binary embedding (bits, projection, thresholds); the detector name (version 2 adds the
/// features' parameter string); the image table (path, relative path, feature count; version
/// 3 adds each image's Int64 identifier, before ids were positions); per word its posting list
/// (count, image ids, codes, values); the geometry store (words, 7 Float32 per feature;
/// version 2 adds the residual codes: UInt32 words per code, then the UInt64s); CRC-32C of
/// everything before it. Written atomically: a killed build leaves the old index.
public enum IndexFile {
  public static let magic = Array("LOCIINDX".utf8)
  public static let version: UInt32 = 3

  public static func encode(_ index: RetrievalIndex) -> [UInt8] {
    var w = BinaryWriter()
    w.write(raw: magic)
    w.write(version)
    w.write(index.vocabularyPath)
    w.write(index.vocabularyFingerprint)
    w.write(UInt32(index.dimension))
    w.write(UInt32(index.vocabulary.count))
    let o = index.options, q = index.queryOptions
    w.write(o.kernel.rawValue)
    w.write(o.binarisation.rawValue)
    w.write(UInt32(q.multipleAssignment))
    w.write(q.alpha)
    w.write(q.tau)
    w.write(UInt32(q.heThreshold))
    w.write(q.heSigma)
    w.write(o.seed)
    w.write(UInt32(o.minimumTrainingPerWord))
    w.write(UInt32(o.useIDF ? 1 : 0))
    if let e = index.embedding {
      w.write(UInt32(e.bits))
      w.write(UInt32(e.projection.count))
      w.write(floats: e.projection)
      w.write(UInt32(e.thresholds.count))
      w.write(floats: e.thresholds)
    } else {
      w.write(UInt32(0))
    }
    w.write(index.detector)
    w.write(index.featureParameters)
    w.write(UInt32(index.images.count))
    for image in index.images {
      w.write(image.path)
      w.write(image.relativePath)
      w.write(UInt32(image.featureCount))
      w.write(UInt64(bitPattern: image.id))
    }
    for list in index.lists {
      w.write(UInt32(list.count))
      for id in list.images { w.write(id) }
      w.write(UInt32(list.codes.count))
      for c in list.codes { w.write(c) }
      w.write(UInt32(list.values.count))
      w.write(floats: list.values)
    }
    w.write(UInt64(index.geometry.words.count))
    for word in index.geometry.words { w.write(word) }
    w.write(floats: index.geometry.geometry)
    let g = index.geometry
    w.write(UInt32(g.hasCodes ? g.codeWords : 0))
    if g.hasCodes { for c in g.codes { w.write(c) } }
    w.sealWithChecksum()
    return w.bytes
  }

  /// Decodes an index; `vocabulary` must be the one it was built with (checked by fingerprint).
  public static func decode(_ bytes: [UInt8], path: String, vocabulary: (String) throws -> FlatVocabulary) throws -> RetrievalIndex {
    guard bytes.count >= magic.count + 8 else {
      throw bytes.starts(with: magic.prefix(bytes.count)) && !bytes.isEmpty ? IndexFileError.truncated(path: path) : IndexFileError.badMagic(path: path)
    }
    guard Array(bytes[0..<magic.count]) == magic else { throw IndexFileError.badMagic(path: path) }
    var r = BinaryReader(bytes, offset: magic.count, end: bytes.count - 4)
    do {
      let v = try r.readUInt32()
      guard (1...version).contains(v) else { throw IndexFileError.unsupportedVersion(path: path, version: v) }
      let (stored, computed) = CRC32C.trailingChecksum(of: bytes)
      guard stored == computed else { throw IndexFileError.checksumMismatch(path: path) }
      let vocabularyPath = try r.readString()
      let fingerprint = try r.readUInt32()
      let dimension = Int(try r.readUInt32()), size = Int(try r.readUInt32())
      // Every word's list takes at least three UInt32 counts: a size the file cannot hold is
      // refused before anything is reserved for it.
      guard (1...65_536).contains(dimension), size >= 1, size <= r.remaining / 12 else {
        throw IndexFileError.implausible(path: path, reason: "dimension \(dimension) or vocabulary size \(size) does not fit the file")
      }
      var o = IndexOptions()
      guard let kernel = IndexKernel(rawValue: try r.readString()),
            let binarisation = Binarisation(rawValue: try r.readString()) else {
        throw IndexFileError.implausible(path: path, reason: "unknown kernel or binarisation")
      }
      o.kernel = kernel
      o.binarisation = binarisation
      var q = QueryOptions()
      q.multipleAssignment = Int(try r.readUInt32())
      q.alpha = try r.readFloat()
      q.tau = try r.readFloat()
      q.heThreshold = Int(try r.readUInt32())
      q.heSigma = try r.readFloat()
      o.seed = try r.readUInt64()
      o.minimumTrainingPerWord = Int(try r.readUInt32())
      if let problem = q.problem { throw IndexFileError.implausible(path: path, reason: "query options: \(problem)") }
      guard q.multipleAssignment <= size, o.minimumTrainingPerWord >= 0 else {
        throw IndexFileError.implausible(path: path, reason: "multiple assignment \(q.multipleAssignment) exceeds the "
          + "vocabulary's \(size) words, or training minimum \(o.minimumTrainingPerWord) is negative")
      }
      if v >= 2 {
        let flag = try r.readUInt32()
        guard flag <= 1 else { throw IndexFileError.implausible(path: path, reason: "idf flag \(flag) is not 0 or 1") }
        o.useIDF = flag == 1
      }
      var embedding: BinaryEmbedding? = nil
      let bits = Int(try r.readUInt32())
      if bits > 0 {
        let pCount = Int(try r.readUInt32())
        guard pCount <= r.remaining / 4 else { throw IndexFileError.truncated(path: path) }
        let projection = try r.readFloats(pCount)
        let tCount = Int(try r.readUInt32())
        guard tCount <= r.remaining / 4 else { throw IndexFileError.truncated(path: path) }
        let thresholds = try r.readFloats(tCount)
        guard bits <= 4096, projection.isEmpty || projection.count == bits * dimension,
              thresholds.isEmpty || thresholds.count == bits * size else {
          throw IndexFileError.implausible(path: path, reason: "embedding sizes do not match")
        }
        embedding = BinaryEmbedding(dimension: dimension, bits: bits, projection: projection, thresholds: thresholds)
      }
      try checkEmbedding(embedding, options: o, dimension: dimension, size: size, path: path)
      let detector = try r.readString()
      let featureParameters = v >= 2 ? try r.readString() : ""
      let imageCount = Int(try r.readUInt32())
      guard imageCount <= r.remaining / 12 else { throw IndexFileError.truncated(path: path) }
      var images: [IndexedImage] = []
      images.reserveCapacity(imageCount)
      var ids = Set<Int64>()
      for position in 0..<imageCount {
        let imagePath = try r.readString(), relativePath = try r.readString()
        let featureCount = Int(try r.readUInt32())
        let id = v >= 3 ? Int64(bitPattern: try r.readUInt64()) : Int64(position)
        guard ids.insert(id).inserted else {
          throw IndexFileError.implausible(path: path, reason: "image identifier \(id) appears twice")
        }
        images.append(IndexedImage(id: id, path: imagePath, relativePath: relativePath, featureCount: featureCount))
      }
      var lists: [PostingList] = []
      lists.reserveCapacity(size)
      let wpc = embedding?.wordsPerCode ?? 0
      let valuesPerEntry = o.kernel == .bow ? 1 : o.kernel == .asmk ? dimension : 0
      for _ in 0..<size {
        var list = PostingList()
        let n = Int(try r.readUInt32())
        guard n <= r.remaining / 4 else { throw IndexFileError.truncated(path: path) }
        list.images = try (0..<n).map { _ in try r.readUInt32() }
        let nc = Int(try r.readUInt32())
        guard nc <= r.remaining / 8, nc == n * wpc || (wpc == 0 && nc == 0) else {
          throw IndexFileError.implausible(path: path, reason: "posting codes do not match entries")
        }
        list.codes = try (0..<nc).map { _ in try r.readUInt64() }
        let nv = Int(try r.readUInt32())
        guard nv <= r.remaining / 4 else { throw IndexFileError.truncated(path: path) }
        guard nv == n * valuesPerEntry else {
          throw IndexFileError.implausible(path: path, reason: "posting values (\(nv)) do not match entries (\(n) × \(valuesPerEntry))")
        }
        list.values = try r.readFloats(nv)
        guard list.values.allSatisfy(\.isFinite) else { throw IndexFileError.implausible(path: path, reason: "non-finite posting value") }
        var last: UInt32? = nil
        for id in list.images {
          guard Int(id) < imageCount else { throw IndexFileError.implausible(path: path, reason: "image id out of range") }
          if id != last { list.imageCount += 1 }
          last = id
        }
        lists.append(list)
      }
      let storedTotal = try r.readUInt64()
      guard storedTotal <= UInt64(r.remaining / 32) else { throw IndexFileError.truncated(path: path) }
      let featureTotal = Int(storedTotal)
      guard featureTotal == images.reduce(0, { $0 + $1.featureCount }) else {
        throw IndexFileError.implausible(path: path, reason: "geometry does not match the image table")
      }
      var geometry = GeometryStore()
      geometry.words = try (0..<featureTotal).map { _ in try r.readUInt32() }
      geometry.geometry = try r.readFloats(featureTotal * GeometryStore.floatsPerFeature)
      guard geometry.geometry.allSatisfy(\.isFinite) else {
        throw IndexFileError.implausible(path: path, reason: "non-finite feature geometry")
      }
      guard geometry.words.allSatisfy({ Int($0) < size }) else {
        throw IndexFileError.implausible(path: path, reason: "a feature's word is outside the vocabulary")
      }
      geometry.offsets = images.reduce(into: [0]) { $0.append($0.last! + $1.featureCount) }
      if v >= 2 {
        let codeWords = Int(try r.readUInt32())
        guard codeWords == 0 || codeWords == ResidualCode.words(dimension: dimension) else {
          throw IndexFileError.implausible(path: path, reason: "residual code size does not match the dimension")
        }
        guard featureTotal * codeWords <= r.remaining / 8 else { throw IndexFileError.truncated(path: path) }
        geometry.codeWords = codeWords
        geometry.codes = try (0..<(featureTotal * codeWords)).map { _ in try r.readUInt64() }
      }
      guard r.remaining == 0 else { throw IndexFileError.implausible(path: path, reason: "trailing bytes") }
      let vocab = try vocabulary(vocabularyPath)
      let found = RetrievalIndex.fingerprint(vocab)
      guard found == fingerprint, vocab.dimension == dimension, vocab.count == size else {
        throw IndexFileError.vocabularyMismatch(path: path, expected: fingerprint, found: found)
      }
      var index = RetrievalIndex(options: o, queryOptions: q, vocabulary: vocab, embedding: embedding, lists: lists,
                                 images: images, geometry: geometry)
      index.vocabularyPath = vocabularyPath
      index.detector = detector
      index.featureParameters = featureParameters
      return index
    } catch let e as IndexFileError {
      throw e
    } catch let e as VocabularyFileError {
      throw e
    } catch {
      throw IndexFileError.truncated(path: path)  // a BinaryReader ran past the end
    }
  }

  /// The kernel needs exactly the embedding it was built with: HE 64-bit (or dimension-bit)
  /// codes with per-word thresholds, ASMK* dimension-bit codes with thresholds (medians) or
  /// none (sign), BoW and ASMK no embedding.
  static func checkEmbedding(_ e: BinaryEmbedding?, options o: IndexOptions, dimension: Int, size: Int, path: String) throws {
    func refuse(_ reason: String) -> IndexFileError { .implausible(path: path, reason: "\(o.kernel.rawValue) index: \(reason)") }
    switch o.kernel {
    case .bow, .asmk:
      guard e == nil else { throw refuse("has a binary embedding it cannot use") }
    case .he, .asmkStar:
      guard let e else { throw refuse("has no binary embedding") }
      let bits = o.kernel == .he ? Swift.min(64, dimension) : dimension
      guard e.bits == bits else { throw refuse("\(e.bits)-bit codes, expected \(bits)") }
      if o.learnsEmbedding {
        guard e.projection.count == bits * dimension, e.thresholds.count == bits * size else {
          throw refuse("the embedding's projection or thresholds are missing or short")
        }
      } else {
        guard e.projection.isEmpty, e.thresholds.isEmpty else { throw refuse("sign binarisation with a projection") }
      }
      guard e.projection.allSatisfy(\.isFinite), e.thresholds.allSatisfy(\.isFinite) else {
        throw refuse("non-finite embedding values")
      }
    }
  }

  /// Writes the index atomically. It takes no lock: a caller that read the index it
  /// replaces should use `update`, and one that writes beside other writers `withWriteLock`.
  public static func write(_ index: RetrievalIndex, to url: URL) throws {
    StaleTemporaries.removeSiblings(of: url)
    do { try writeAtomically(Data(encode(index)), to: url) } catch let e as AtomicWriteError {
      throw IndexFileError.unwritable(path: url.path, reason: e.reason)
    }
  }

  /// Reads the index at `url`, lets `change` modify it and writes it back, holding the
  /// index's advisory write lock (`FileLock`, on `url.lock`) from before the read until the
  /// new file is in place: two processes adding to one index take turns (`whileWaiting` is
  /// called once when one must wait), and neither update is lost. When `change` throws,
  /// nothing is written.
  public static func update<T>(at url: URL, vocabularyURL: URL? = nil, whileWaiting: () -> Void = {},
                               _ change: (inout RetrievalIndex) throws -> T) throws -> T {
    try withWriteLock(on: url, whileWaiting: whileWaiting) {
      var index = try read(from: url, vocabularyURL: vocabularyURL)
      let result = try change(&index)
      try write(index, to: url)
      return result
    }
  }

  /// Runs `body` holding the write lock of the index at `url` (see `update`); a lock that
  /// cannot be taken is an `IndexFileError.unwritable`.
  public static func withWriteLock<T>(on url: URL, whileWaiting: () -> Void = {}, _ body: () throws -> T) throws -> T {
    do {
      return try FileLock.withExclusiveLock(on: url, whileWaiting: whileWaiting, body)
    } catch let error as AtomicWriteError {
      throw IndexFileError.unwritable(path: error.path, reason: error.reason)
    }
  }

  /// Reads an index; the vocabulary comes from `vocabularyURL`, or the path stored in it.
  public static func read(from url: URL, vocabularyURL: URL? = nil) throws -> RetrievalIndex {
    let bytes: [UInt8]
    do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
      throw IndexFileError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    return try decode(bytes, path: url.path) { stored in
      try VocabularyFile.read(from: vocabularyURL ?? URL(fileURLWithPath: stored)).vocabulary
    }
  }
}
