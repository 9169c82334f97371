extension GrayImage {
  /// One level of a scale pyramid: the image and the factor it was resized by
  /// (`level = factor × input`, measured on the widths actually produced, so rounding of the
  /// level sizes is accounted for when regions are mapped back).
  public struct PyramidLevel: Sendable {
    public var image: GrayImage
    public var factor: Double
  }

  /// `levels` copies of the image, the first resized by `first` (1 = the image itself) and
  /// each next one by `step` from the previous, stopping early once a further level's smaller
  /// side would drop below `minimumSide` pixels (the first level is always there). Each level
  /// is resized from the one before it, so the anti-aliasing blur per level stays small
  /// (σ = ½·√(1/step² − 1)) instead of growing with the total factor, as resizing the input
  /// every time would.
  public func pyramid(levels: Int, first: Double = 1, step: Double, minimumSide: Int = 16) -> [PyramidLevel] {
    precondition(step > 0 && step < 1, "a pyramid step must lie in (0, 1)")
    precondition(first > 0 && first <= 1, "the first level's factor must lie in (0, 1]")
    var result: [PyramidLevel] = []
    var current = first < 1 ? resized(by: first) : self
    for level in 0..<Swift.max(levels, 0) {
      if level > 0 {
        let next = current.resized(by: step)
        // A level that did not shrink (tiny images round back up) would repeat the last one.
        guard next.width < current.width || next.height < current.height,
              Swift.min(next.width, next.height) >= minimumSide else { break }
        current = next
      }
      result.append(PyramidLevel(image: current, factor: Double(current.width) / Double(width)))
    }
    return result
  }
}
