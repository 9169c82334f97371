/// Pictures of MFD's intermediate stages, for debugging a detection (`loci mfd-stages`).
package struct MFDStageImages: Sendable {
  /// D scaled to black (0) … white (its maximum).
  package var distance: RGBImage
  /// The image with medial points in red.
  package var medialAxis: RGBImage
  /// Basins in distinct colours, saddles in white, selected regions' ellipses in yellow.
  package var partition: RGBImage

  package init(image: GrayImage, analysis a: MFDDetector.Analysis) {
    let w = a.distance.width, h = a.distance.height
    var maximum: Float = 0
    for v in a.distance.distance where v.isFinite { maximum = Swift.max(maximum, v) }
    let scale = maximum > 0 ? 1 / maximum : 0
    distance = RGBImage(gray: GrayImage(width: w, height: h) { x, y in
      let v = a.distance.distance[y * w + x]
      return v.isFinite ? v * scale : 1
    })
    var axis = RGBImage(gray: image)
    for p in a.medialAxis.points { axis.plot(x: p.pixel % w, y: p.pixel / w, color: (255, 40, 40)) }
    medialAxis = axis
    var parts = RGBImage(width: w, height: h)
    for y in 0..<h {
      for x in 0..<w {
        // A fixed hash of the label gives neighbouring basins unrelated colours.
        let label = UInt32(bitPattern: a.partition.labels[y * w + x]) &* 2_654_435_761
        parts.plot(x: x, y: y, color: (UInt8(truncatingIfNeeded: label >> 24) | 64,
                                       UInt8(truncatingIfNeeded: label >> 16) | 64,
                                       UInt8(truncatingIfNeeded: label >> 8) | 64))
      }
    }
    for s in a.partition.saddles { parts.plot(x: Int(s.pixel) % w, y: Int(s.pixel) / w, color: (255, 255, 255)) }
    partition = parts.drawingRegions(a.regions)
  }
}
