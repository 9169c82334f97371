import Foundation
import LociFeatureTypes
import LociImage

/// One simulated change of camera axis: a rotation, then a compression by `tilt` along x
/// (`GrayImage.simulatedView`).
public struct SimulatedView: Sendable, Equatable, CustomStringConvertible {
  public var tilt: Double
  /// Radians.
  public var rotation: Double

  public init(tilt: Double, rotation: Double) {
    self.tilt = tilt
    self.rotation = rotation
  }

  /// The views of one tilt: rotations 0, Δφ, 2Δφ, … below 180° with Δφ = 72° / tilt, the
  /// sampling of ASIFT (Morel & Yu 2009), which MODS keeps.
  public static func views(tilt: Double) -> [SimulatedView] {
    let step = 72.0 / tilt
    return stride(from: 0.0, to: 180.0 - 1e-9, by: step).map { SimulatedView(tilt: tilt, rotation: $0 * .pi / 180) }
  }

  public var description: String { String(format: "tilt %.3g, rotation %.0f°", tilt, rotation * 180 / .pi) }
}

extension FeatureExtractor {
  /// The features found in a simulated view of `image`, mapped back to the image's own
  /// coordinates: centres by the inverse map, shapes by S = L·S′·Lᵀ (L its linear part), the
  /// orientation carried through the frame (`AffineRegion.mapped(by:)`). Descriptors stay
  /// those of the view: the point of the view is that its patches look like the other
  /// image's. Features whose centre maps outside the image (the view's filled border) are
  /// dropped.
  public func extract(from image: GrayImage, view: SimulatedView, sourcePath: String = "",
                      relativePath: String = "") throws -> FeatureSet {
    let (warped, viewFromImage) = image.simulatedView(tilt: view.tilt, rotation: view.rotation)
    let seen = try extract(from: warped, sourcePath: sourcePath, relativePath: relativePath)
    guard let imageFromView = viewFromImage.inverse else { return seen.keeping([]) }
    let back = Matrix2(imageFromView.m11, imageFromView.m12, imageFromView.m21, imageFromView.m22)
    var mapped = seen
    mapped.imageWidth = image.width
    mapped.imageHeight = image.height
    var kept: [Int] = []
    for (i, region) in seen.regions.enumerated() {
      let c = imageFromView.apply(region.x, region.y)
      guard c.x >= -0.5, c.y >= -0.5, c.x <= Double(image.width) - 0.5, c.y <= Double(image.height) - 0.5,
            let moved = region.mapped(by: back, centre: c) else { continue }
      mapped.regions[i] = moved
      kept.append(i)
    }
    return mapped.keeping(kept)
  }
}

extension AffineRegion {
  /// The region under a linear map `l` (S = l·S·lᵀ), moved to `centre`. The orientation
  /// follows the frame: l·S′^{1/2}·R(θ′) = S^{1/2}·Q·R(θ′) with Q = S^{-1/2}·l·S′^{1/2} a
  /// rotation (for det l > 0), so θ = θ′ + angle(Q). Nil for a reflection or a degenerate map.
  func mapped(by l: Matrix2, centre: (x: Double, y: Double)) -> AffineRegion? {
    guard l.determinant > 0 else { return nil }
    let shape = l.congruence(self.shape)
    guard shape.isPositiveDefinite else { return nil }
    var angle = self.angle
    if let theta = angle {
      let q = Matrix2(shape.squareRoot.inverse) * l * Matrix2(self.shape.squareRoot)
      angle = theta + atan2(q.m21, q.m11)
    }
    return AffineRegion(x: centre.x, y: centre.y, shape: shape, angle: angle, response: response)
  }
}

extension FeatureSet {
  /// The features at `indices` (in that order), with the detector parts recounted.
  func keeping(_ indices: [Int]) -> FeatureSet {
    var out = self
    out.regions = indices.map { regions[$0] }
    out.descriptors = []
    out.descriptors.reserveCapacity(indices.count * dimension)
    for i in indices { out.descriptors += descriptor(i) }
    if !parts.isEmpty {
      let ranges = detectorRanges
      out.parts = ranges.map { part in
        FeatureSet.Part(detector: part.detector, count: indices.lazy.filter { part.range.contains($0) }.count)
      }
    }
    return out
  }

  /// Several sets of one image (e.g. from simulated views) as one: each detector's features
  /// from every set together, detectors in the first set's order, so that matching still
  /// pairs features of one detector only.
  public static func merging(_ sets: [FeatureSet]) -> FeatureSet {
    precondition(!sets.isEmpty, "nothing to merge")
    var out = sets[0]
    guard sets.count > 1 else { return out }
    out.regions = []
    out.descriptors = []
    out.parts = []
    for (detector, _) in sets[0].detectorRanges {
      var count = 0
      for set in sets {
        for (name, range) in set.detectorRanges where name == detector {
          out.regions += set.regions[range]
          for i in range { out.descriptors += set.descriptor(i) }
          count += range.count
        }
      }
      if sets[0].parts.count > 1 { out.parts.append(FeatureSet.Part(detector: detector, count: count)) }
    }
    return out
  }
}
