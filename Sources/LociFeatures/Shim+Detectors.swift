import CShims
import LociImage

// One internal wrapper per OpenCV detector shim: status → DetectorError.

private func regions(consuming list: OpaquePointer) -> [AffineRegion] {
  defer { loci_region_list_free(list) }
  let count = loci_region_list_count(list)
  guard count > 0, let items = loci_region_list_items(list) else { return [] }
  return UnsafeBufferPointer(start: items, count: count).map { r in
    AffineRegion(x: r.x, y: r.y, shape: SymmetricMatrix2(a: r.s11, b: r.s12, c: r.s22),
                 angle: r.angle.isNaN ? nil : r.angle, response: r.response)
  }
}

private func shimMessage() -> String { String(cString: loci_last_error()) }

/// `loci_sift_detect` (cv::SIFT::detect on 8-bit grey).
func shimSIFTDetect(_ image: GrayImage, maxFeatures: Int, contrastThreshold: Double) throws -> [AffineRegion] {
  var list: OpaquePointer?
  let status = image.bytes().withUnsafeBufferPointer {
    loci_sift_detect($0.baseAddress, Int32(image.width), Int32(image.height), Int32(maxFeatures),
                     contrastThreshold, &list)
  }
  guard status == LOCI_OK, let list else { throw DetectorError.backend(detector: "sift", reason: shimMessage()) }
  return regions(consuming: list)
}

/// `loci_mser_detect` (cv::MSER::detectRegions, second-moment ellipses).
func shimMSERDetect(_ image: GrayImage, delta: Int, minArea: Int, maxArea: Int, maxVariation: Double,
                    minDiversity: Double) throws -> [AffineRegion] {
  var list: OpaquePointer?
  let status = image.bytes().withUnsafeBufferPointer {
    loci_mser_detect($0.baseAddress, Int32(image.width), Int32(image.height), Int32(delta), Int32(minArea),
                     Int32(maxArea), maxVariation, minDiversity, &list)
  }
  guard status == LOCI_OK, let list else { throw DetectorError.backend(detector: "mser", reason: shimMessage()) }
  return regions(consuming: list)
}

/// OpenCV's SIFT descriptor (`cv::SIFT::compute`) at circular regions: radius r becomes an
/// OpenCV keypoint of size r (so the 3× measurement region matches Loci's), the angle is
/// converted to degrees. Returns `regions.count × 128` values, OpenCV's scaling (≈ 512 × unit).
/// For comparison and tests only.
package func openCVSIFTDescriptors(_ image: GrayImage, regions: [AffineRegion]) throws -> [Float] {
  let n = regions.count
  var out = [Float](repeating: 0, count: n * 128)
  let xs = regions.map { Float($0.x) }, ys = regions.map { Float($0.y) }
  let sizes = regions.map { Float($0.scale) }
  let angles = regions.map { r -> Float in
    guard let a = r.angle else { return 0 }
    var degrees = a * 180 / Double.pi
    degrees = degrees.truncatingRemainder(dividingBy: 360)
    if degrees < 0 { degrees += 360 }
    return Float(degrees)
  }
  let bytes = image.bytes()
  let status = out.withUnsafeMutableBufferPointer { o in
    loci_sift_compute(bytes, Int32(image.width), Int32(image.height), xs, ys, sizes, angles, n, o.baseAddress)
  }
  guard status == LOCI_OK else { throw DetectorError.backend(detector: "sift-descriptor", reason: shimMessage()) }
  return out
}

/// OpenCV's thread pool size (`cv::setNumThreads`); 0 restores OpenCV's default. Only
/// the baselines and benchmarks use OpenCV's parallel code.
package var openCVThreads: Int {
  get { Int(loci_opencv_threads()) }
  set { loci_opencv_set_threads(Int32(newValue)) }
}
