/// ‖a − b‖² over `count` Floats, with four SIMD8 accumulators (Swift does not vectorise a
/// plain Float reduction on its own: strict ordering of the additions forbids it).
@inlinable
package func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
  var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
  var k = 0
  let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
  while k + 32 <= count {
    let d0 = ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
    let d1 = ra.loadUnaligned(fromByteOffset: 4 * (k + 8), as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: 4 * (k + 8), as: SIMD8<Float>.self)
    let d2 = ra.loadUnaligned(fromByteOffset: 4 * (k + 16), as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: 4 * (k + 16), as: SIMD8<Float>.self)
    let d3 = ra.loadUnaligned(fromByteOffset: 4 * (k + 24), as: SIMD8<Float>.self) - rb.loadUnaligned(fromByteOffset: 4 * (k + 24), as: SIMD8<Float>.self)
    s0 += d0 * d0
    s1 += d1 * d1
    s2 += d2 * d2
    s3 += d3 * d3
    k += 32
  }
  var total = ((s0 + s1) + (s2 + s3)).sum()
  while k < count {
    let t = a[k] - b[k]
    total += t * t
    k += 1
  }
  return total
}

/// a·b over `count` Floats, four SIMD8 accumulators (see `squaredDistance`).
@inlinable
package func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
  var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
  var k = 0
  let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
  while k + 32 <= count {
    s0 += ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
    s1 += ra.loadUnaligned(fromByteOffset: 4 * (k + 8), as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * (k + 8), as: SIMD8<Float>.self)
    s2 += ra.loadUnaligned(fromByteOffset: 4 * (k + 16), as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * (k + 16), as: SIMD8<Float>.self)
    s3 += ra.loadUnaligned(fromByteOffset: 4 * (k + 24), as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * (k + 24), as: SIMD8<Float>.self)
    k += 32
  }
  var total = ((s0 + s1) + (s2 + s3)).sum()
  while k < count {
    total += a[k] * b[k]
    k += 1
  }
  return total
}
