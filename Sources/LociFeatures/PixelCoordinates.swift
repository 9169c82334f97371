/// (x, y) of the row-major pixel `index` in an image `width` pixels wide. The division is done
/// in 32 bits, 2–3× cheaper than 64-bit division on this project's Xeon; MFD's propagation and
/// flooding do it for every pixel they release. Images stay far below 2³² pixels.
@inline(__always)
func pixelCoordinates(_ index: Int, width: Int) -> (x: Int, y: Int) {
  assert(index >= 0 && index < 1 << 32 && width > 0, "pixel index out of 32-bit range")
  let y = Int(UInt32(truncatingIfNeeded: index) / UInt32(truncatingIfNeeded: width))
  return (index - y * width, y)
}
