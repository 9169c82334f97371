/// Unaligned loads and stores of eight consecutive values, for the vector loops that walk
/// plain buffers (MFD's distance transform, partition and heights).
extension UnsafePointer where Pointee: SIMDScalar {
  /// The eight values at `self + offset …`, unaligned.
  @inlinable @inline(__always)
  package func loadSIMD8(at offset: Int = 0) -> SIMD8<Pointee> {
    UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Pointee>.self)
  }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar {
  /// The eight values at `self + offset …`, unaligned.
  @inlinable @inline(__always)
  package func loadSIMD8(at offset: Int = 0) -> SIMD8<Pointee> {
    UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Pointee>.self)
  }

  /// Writes `value` to `self + offset …`, unaligned.
  @inlinable @inline(__always)
  package func storeSIMD8(_ value: SIMD8<Pointee>, at offset: Int = 0) {
    UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: SIMD8<Pointee>.self)
  }
}
