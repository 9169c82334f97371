/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum that closes every
/// Loci binary file. Table-driven, slicing by 8 bytes.
package enum CRC32C {
  static let tables: [[UInt32]] = {
    var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
      tables[0][i] = c
    }
    for i in 0..<256 {
      for t in 1..<8 { tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][Int(tables[t - 1][i] & 0xFF)] }
    }
    return tables
  }()

  /// The checksum of `bytes`, continuing from `crc` (0 to start).
  package static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    var c = ~crc
    var i = 0
    let n = bytes.count
    let t = tables
    t[0].withUnsafeBufferPointer { t0 in
      t[1].withUnsafeBufferPointer { t1 in
        t[2].withUnsafeBufferPointer { t2 in
          t[3].withUnsafeBufferPointer { t3 in
            t[4].withUnsafeBufferPointer { t4 in
              t[5].withUnsafeBufferPointer { t5 in
                t[6].withUnsafeBufferPointer { t6 in
                  t[7].withUnsafeBufferPointer { t7 in
                    while i + 8 <= n {
                      let lo = c ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                        | UInt32(bytes[i + 3]) << 24)
                      c = t7[Int(lo & 0xFF)] ^ t6[Int((lo >> 8) & 0xFF)] ^ t5[Int((lo >> 16) & 0xFF)]
                        ^ t4[Int(lo >> 24)] ^ t3[Int(bytes[i + 4])] ^ t2[Int(bytes[i + 5])]
                        ^ t1[Int(bytes[i + 6])] ^ t0[Int(bytes[i + 7])]
                      i += 8
                    }
                    while i < n {
                      c = t0[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
                      i += 1
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return ~c
  }

  package static func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0) }
  }

  /// The CRC-32C stored little-endian in the last 4 bytes of `bytes` and the one computed
  /// over everything before it (the layout closing every Loci binary file). Needs ≥ 4 bytes.
  package static func trailingChecksum(of bytes: [UInt8]) -> (stored: UInt32, computed: UInt32) {
    precondition(bytes.count >= 4, "no room for a checksum")
    let n = bytes.count
    let stored = UInt32(bytes[n - 4]) | UInt32(bytes[n - 3]) << 8 | UInt32(bytes[n - 2]) << 16 | UInt32(bytes[n - 1]) << 24
    let computed = bytes.withUnsafeBytes { checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(n - 4)])) }
    return (stored, computed)
  }
}
