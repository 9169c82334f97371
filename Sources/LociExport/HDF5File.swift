import Foundation
import LociHDF5

/// An HDF5 file being written (through `LociHDF5`, which opens the system's libhdf5 on first
/// use): datasets at slash-separated paths, groups created as needed. Written to a temporary
/// file beside the target and renamed into place by `commit()`, so a failed export leaves no
/// half-written file.
final class HDF5File {
  struct HDF5Error: Error, CustomStringConvertible {
    var description: String
  }

  private var handle: Int64
  private let target: URL
  private let temporary: URL
  private var open = true

  init(creating url: URL) throws {
    target = url
    temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    handle = loci_h5_create(temporary.path)
    guard handle >= 0 else { throw HDF5Error(description: "\(url.path): \(String(cString: loci_h5_error()))") }
  }

  deinit {
    if open { _ = loci_h5_close(handle) }
    try? FileManager.default.removeItem(at: temporary)
  }

  func write(_ name: String, floats: [Float], shape: [Int]) throws {
    try write(name, type: LOCI_H5_FLOAT32, shape: shape, count: floats.count) { body in floats.withUnsafeBytes { body($0.baseAddress) } }
  }

  func write(_ name: String, int32s: [Int32], shape: [Int]) throws {
    try write(name, type: LOCI_H5_INT32, shape: shape, count: int32s.count) { body in int32s.withUnsafeBytes { body($0.baseAddress) } }
  }

  private func write(_ name: String, type: loci_h5_type, shape: [Int], count: Int,
                     _ withData: ((UnsafeRawPointer?) -> Int32) -> Int32) throws {
    precondition(shape.reduce(1, *) == count, "the shape must hold the values")
    let dims = shape.map { UInt64($0) }
    // HDF5 wants a pointer even for an empty dataset; any valid address does.
    var placeholder: Int32 = 0
    let status = withUnsafePointer(to: &placeholder) { fallback in
      withData { data in loci_h5_write(handle, name, type, Int32(dims.count), dims, data ?? UnsafeRawPointer(fallback)) }
    }
    guard status == 0 else { throw HDF5Error(description: "\(target.path): \(String(cString: loci_h5_error()))") }
  }

  /// Closes the file and moves it into place (replacing the target).
  func commit() throws {
    open = false
    guard loci_h5_close(handle) == 0 else { throw HDF5Error(description: "\(target.path): \(String(cString: loci_h5_error()))") }
    guard rename(temporary.path, target.path) == 0 else {
      throw HDF5Error(description: "\(target.path): cannot move the new file into place: \(String(cString: strerror(errno)))")
    }
  }
}
