extension RGBImage {
  /// The canvas with each region's ellipse (yellow) and, when oriented, a radius along its
  /// orientation (red): what `featurize --draw` writes.
  public func drawingRegions(_ regions: [AffineRegion]) -> RGBImage {
    var canvas = self
    for r in regions where r.shape.isPositiveDefinite {
      canvas.drawEllipse(center: (r.x, r.y), shape: (r.shape.a, r.shape.b, r.shape.c), color: (255, 220, 0))
      if r.angle != nil {
        let f = r.affineFrame
        let tip = f.apply(1, 0)
        canvas.drawLine(from: (r.x, r.y), to: (r.x + tip.0, r.y + tip.1), color: (255, 40, 40))
      }
    }
    return canvas
  }
}
