import Foundation

extension FeatureFile {
  /// The Oxford/Mikolajczyk text format: first line the descriptor dimension (`1` when
  /// there are none, as the Oxford tools write it), second the count, then one line per
  /// region `u v a b c d1 … dn` with [[a b] [b c]] = S⁻¹, coordinates 0-based.
  public static func encodeVGG(_ set: FeatureSet) -> String {
    var out = "\(set.dimension == 0 ? 1 : set.dimension)\n\(set.count)\n"
    out.reserveCapacity(set.count * (60 + set.dimension * 9))
    for (i, region) in set.regions.enumerated() {
      let e = region.vgg
      var line = "\(e.u) \(e.v) \(e.a) \(e.b) \(e.c)"
      if set.dimension > 0 {
        for v in set.descriptor(i) { line += " \(v)" }
      }
      out += line + "\n"
    }
    return out
  }

  /// Parses the VGG text format. A line of 5 numbers has no descriptor; otherwise it must
  /// have 5 + dimension numbers. Orientation and provenance are not part of the format.
  public static func decodeVGG(_ text: String, path: String) throws -> FeatureSet {
    var lines = text.split(whereSeparator: \.isNewline).enumerated().lazy
      .filter { !$0.element.allSatisfy(\.isWhitespace) }.makeIterator()
    func number(_ token: Substring, line: Int) throws -> Double {
      guard let v = Double(token), v.isFinite else {
        throw FeatureFileError.malformedText(path: path, line: line, reason: "'\(token)' is not a number")
      }
      return v
    }
    guard let first = lines.next(), let second = lines.next() else {
      throw FeatureFileError.malformedText(path: path, line: 1, reason: "missing the dimension and count lines")
    }
    let declared = try number(first.element.split(separator: " ").first ?? "", line: first.offset + 1)
    let count = try number(second.element.split(separator: " ").first ?? "", line: second.offset + 1)
    guard declared >= 0, declared <= Double(maxDimension), declared == declared.rounded(),
          count >= 0, count <= Double(maxCount), count == count.rounded() else {
      throw FeatureFileError.malformedText(path: path, line: 1, reason: "implausible dimension \(declared) or count \(count)")
    }
    var regions = [AffineRegion]()
    var descriptors = [Float]()
    var dimension: Int? = nil
    for _ in 0..<Int(count) {
      guard let entry = lines.next() else {
        throw FeatureFileError.truncated(path: path, detail: "\(regions.count) of \(Int(count)) regions present")
      }
      let tokens = entry.element.split(whereSeparator: { $0 == " " || $0 == "\t" })
      let lineNumber = entry.offset + 1
      let values = try tokens.map { try number($0, line: lineNumber) }
      let d = values.count - 5
      guard d == 0 || d == Int(declared) else {
        throw FeatureFileError.malformedText(
          path: path, line: lineNumber, reason: "expected 5 or \(5 + Int(declared)) numbers, found \(values.count)")
      }
      if dimension == nil { dimension = d }
      guard dimension == d else {
        throw FeatureFileError.malformedText(path: path, line: lineNumber, reason: "descriptor length changes between lines")
      }
      guard let region = AffineRegion(vggU: values[0], v: values[1], a: values[2], b: values[3], c: values[4]) else {
        throw FeatureFileError.malformedText(path: path, line: lineNumber, reason: "[[a b] [b c]] is not positive definite")
      }
      // The same sanity limits as `.lfeat` (positions and shapes below 10⁹; descriptor
      // values that stay finite as Float32): a finite 1e300 is no more a feature than NaN.
      try FeatureFile.checkRegionValues([region.x, region.y, region.shape.a, region.shape.b, region.shape.c, .nan, 0],
                                        feature: regions.count, path: path)
      if let bad = values[5...].first(where: { abs($0) > 1e30 }) {
        throw FeatureFileError.malformedText(path: path, line: lineNumber, reason: "descriptor value \(bad) is out of range")
      }
      regions.append(region)
      descriptors += values[5...].map(Float.init)
    }
    let dim = dimension ?? 0
    return FeatureSet(imageWidth: 0, imageHeight: 0, detector: "vgg", descriptorKind: dim == 0 ? .none : .sift,
                      dimension: dim, regions: regions, descriptors: descriptors)
  }
}
