import Foundation

/// Little-endian writer for Loci's binary formats.
package struct BinaryWriter {
  package private(set) var bytes: [UInt8] = []

  package init() {}

  package mutating func write(_ value: UInt8) { bytes.append(value) }
  package mutating func write(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
  package mutating func write(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
  package mutating func write(_ value: Float) { write(value.bitPattern) }
  package mutating func write(_ value: Double) { write(value.bitPattern) }
  package mutating func write(raw: [UInt8]) { bytes.append(contentsOf: raw) }
  /// A UTF-8 string prefixed by its byte count (UInt32).
  package mutating func write(_ string: String) {
    let utf8 = Array(string.utf8)
    write(UInt32(utf8.count))
    bytes.append(contentsOf: utf8)
  }
  /// Floats in bulk (little-endian hosts copy memory directly).
  package mutating func write(floats: [Float]) {
    #if _endian(little)
      floats.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
      for f in floats { write(f) }
    #endif
  }
  /// UInt16s in bulk (labels, lookup tables).
  package mutating func write(uint16s: [UInt16]) {
    #if _endian(little)
      uint16s.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
      for v in uint16s { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    #endif
  }
  /// Appends the CRC-32C of everything written so far.
  package mutating func sealWithChecksum() { write(CRC32C.checksum(bytes)) }
}

/// What a reader found wrong; the file-format readers wrap it with the file's name.
package enum BinaryReadError: Error, Equatable, Sendable {
  case truncated(needed: Int, available: Int)
  case invalidString
}

/// Bounds-checked little-endian reader over a byte buffer; never traps on bad input.
package struct BinaryReader {
  package let bytes: [UInt8]
  package private(set) var offset: Int
  /// Reading stops here (e.g. before a trailing checksum).
  package let end: Int

  package init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
    self.bytes = bytes
    self.offset = offset
    self.end = end ?? bytes.count
  }

  package var remaining: Int { end - offset }

  mutating func take(_ n: Int) throws -> Range<Int> {
    guard n >= 0, n <= remaining else { throw BinaryReadError.truncated(needed: n, available: remaining) }
    defer { offset += n }
    return offset..<(offset + n)
  }

  package mutating func readUInt8() throws -> UInt8 { bytes[try take(1).lowerBound] }
  package mutating func readUInt32() throws -> UInt32 {
    let r = try take(4)
    var v: UInt32 = 0
    for i in (0..<4).reversed() { v = v << 8 | UInt32(bytes[r.lowerBound + i]) }
    return v
  }
  package mutating func readUInt64() throws -> UInt64 {
    let r = try take(8)
    var v: UInt64 = 0
    for i in (0..<8).reversed() { v = v << 8 | UInt64(bytes[r.lowerBound + i]) }
    return v
  }
  package mutating func readFloat() throws -> Float { Float(bitPattern: try readUInt32()) }
  package mutating func readDouble() throws -> Double { Double(bitPattern: try readUInt64()) }
  package mutating func readRaw(_ n: Int) throws -> [UInt8] { Array(bytes[try take(n)]) }
  package mutating func readString(maxBytes: Int = 1 << 20) throws -> String {
    let n = Int(try readUInt32())
    guard n <= maxBytes else { throw BinaryReadError.truncated(needed: n, available: Swift.min(remaining, maxBytes)) }
    guard let s = String(validating: bytes[try take(n)], as: UTF8.self) else { throw BinaryReadError.invalidString }
    return s
  }
  package mutating func readFloats(_ count: Int) throws -> [Float] {
    let r = try take(count * 4)
    var out = [Float](repeating: 0, count: count)
    #if _endian(little)
      out.withUnsafeMutableBytes { dst in
        bytes.withUnsafeBytes { src in
          dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[r]))
        }
      }
    #else
      var sub = BinaryReader(bytes, offset: r.lowerBound, end: r.upperBound)
      for i in 0..<count { out[i] = try sub.readFloat() }
    #endif
    return out
  }
  package mutating func readUInt16s(_ count: Int) throws -> [UInt16] {
    let r = try take(count * 2)
    var out = [UInt16](repeating: 0, count: count)
    for i in 0..<count { out[i] = UInt16(bytes[r.lowerBound + 2 * i]) | UInt16(bytes[r.lowerBound + 2 * i + 1]) << 8 }
    return out
  }
}
