import LociFeatureTypes

/// Per-word posting lists in struct-of-arrays form: image ids, binary codes (HE, ASMK*) and
/// float values (ASMK vectors, BoW term frequencies), each contiguous per word.
public struct PostingList: Sendable, Equatable {
  public var images: [UInt32] = []
  /// `wordsPerCode` UInt64s per entry (empty when the kernel has no codes).
  public var codes: [UInt64] = []
  /// `valuesPerEntry` Floats per entry (empty when the kernel has no values).
  public var values: [Float] = []
  /// Distinct images in the list (entries of one image are contiguous: images are added whole).
  public var imageCount: Int = 0

  public init() {}

  public var count: Int { images.count }

  mutating func append(image: UInt32, code: ArraySlice<UInt64> = [], values newValues: ArraySlice<Float> = []) {
    if images.last != image { imageCount += 1 }
    images.append(image)
    codes.append(contentsOf: code)
    values.append(contentsOf: newValues)
  }
}

/// Every indexed feature's visual word, residual code and geometry, per image, for spatial
/// re-ranking. Flat arrays with per-image offsets: 4 B word + 7 × 4 B geometry + the
/// residual's sign bits (16 B for 128-D descriptors) = 48 B per feature.
///
/// The residual codes filter the shared-word correspondences the verifier sees: with a
/// coarse vocabulary most features that share a word are unrelated (on the SMVS benchmark a
/// query and a database image share a word thousands of times), and a Hamming threshold on
/// the residuals keeps mostly the true ones, as Hamming embedding does for the kernel
/// (Jégou, Douze & Schmid, ECCV 2008). docs/benchmarks.md has what the 16 B buy.
public struct GeometryStore: Sendable, Equatable {
  /// Start of image i's features; `offsets[i + 1]` is its end.
  public var offsets: [Int] = [0]
  public var words: [UInt32] = []
  /// x, y, scale, angle, and the shape's a, b, c per feature.
  public var geometry: [Float] = []
  /// `codeWords` UInt64s per feature: bit j is set when the descriptor's j-th component is
  /// above its word's centroid (`ResidualCode`). Empty in indexes written without them.
  public var codes: [UInt64] = []
  public var codeWords: Int = 0

  public static let floatsPerFeature = 7

  public init() {}

  public var imageCount: Int { offsets.count - 1 }
  public var hasCodes: Bool { codeWords > 0 && codes.count == words.count * codeWords }

  mutating func append(words newWords: [UInt32], regions: [AffineRegion], codes newCodes: [UInt64] = []) {
    precondition(newWords.count == regions.count)
    words.append(contentsOf: newWords)
    codes.append(contentsOf: newCodes)
    for r in regions {
      geometry.append(contentsOf: [Float(r.x), Float(r.y), Float(r.scale), Float(r.angle ?? 0),
                                   Float(r.shape.a), Float(r.shape.b), Float(r.shape.c)])
    }
    offsets.append(words.count)
  }

  /// Image i's features' words.
  public func words(ofImage i: Int) -> ArraySlice<UInt32> { words[offsets[i]..<offsets[i + 1]] }

  /// Image i's features' residual codes (empty when the store has none).
  public func codes(ofImage i: Int) -> ArraySlice<UInt64> {
    hasCodes ? codes[(offsets[i] * codeWords)..<(offsets[i + 1] * codeWords)] : []
  }

  /// Feature f (a position in the whole store) as a region.
  public func region(at f: Int) -> AffineRegion {
    let g = f * Self.floatsPerFeature
    return AffineRegion(x: Double(geometry[g]), y: Double(geometry[g + 1]),
                        shape: SymmetricMatrix2(a: Double(geometry[g + 4]), b: Double(geometry[g + 5]), c: Double(geometry[g + 6])),
                        angle: Double(geometry[g + 3]))
  }

  /// Image i's features as regions (orientation kept; 0 when the detector gave none).
  public func regions(ofImage i: Int) -> [AffineRegion] {
    (offsets[i]..<offsets[i + 1]).map(region(at:))
  }
}
