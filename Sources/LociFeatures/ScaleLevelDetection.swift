import LociImage

/// Detection over scale levels, shared by the single-scale detectors (MFD, WaSH): run a
/// one-level detector on the image and on copies shrunk by `step`, `step²`, … (the first at
/// `first`), map each level's regions back to the input, and rank them all by response,
/// the finer level first on equal responses. The detectors stay single-scale; this makes
/// their output cover the scales their fixed pixel parameters (σ, β, areas) cannot.
enum ScaleLevelDetection {
  static func detect(in image: GrayImage, levels: Int, first: Double, step: Double, maxFeatures: Int,
                     level detectOneLevel: (GrayImage) throws -> [AffineRegion]) rethrows -> [AffineRegion] {
    let first = Swift.min(Swift.max(first, 0.05), 1)
    let step = Swift.min(Swift.max(step, 0.05), 0.95)
    let pyramid = image.pyramid(levels: Swift.max(levels, 1), first: first, step: step)
    if pyramid.count == 1 && pyramid[0].factor == 1 { return try detectOneLevel(image) }
    var all: [AffineRegion] = []
    for level in pyramid {
      // The factor actually applied differs from the nominal one by rounding; x decides.
      all += try detectOneLevel(level.image).map { $0.scaled(by: 1 / level.factor) }
    }
    let ranked = all.enumerated().sorted { ($0.element.response, -$0.offset) > ($1.element.response, -$1.offset) }
    return ranked.prefix(Swift.max(maxFeatures, 0)).map(\.element)
  }
}
