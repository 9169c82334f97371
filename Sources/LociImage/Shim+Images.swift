import CShims
import Foundation

// One internal wrapper per CShims image entry point: status → typed ImageError.

/// The calling thread's last shim error message.
func lociLastError() -> String { String(cString: loci_last_error()) }

func imageError(_ status: loci_status, path: String) -> ImageError {
  let reason = lociLastError()
  switch status {
  case LOCI_ERR_IO: return .unreadable(path: path, reason: reason)
  case LOCI_ERR_FORMAT: return .unrecognisedFormat(path: path, reason: reason)
  case LOCI_ERR_CORRUPT: return .corrupt(path: path, reason: reason)
  case LOCI_ERR_TOO_LARGE: return .tooLarge(path: path, reason: reason)
  default: return .corrupt(path: path, reason: reason.isEmpty ? "decoder failure \(status.rawValue)" : reason)
  }
}

/// Takes ownership of a decoded `loci_image` and copies it into a GrayImage.
func grayImage(consuming handle: OpaquePointer, path: String) throws -> GrayImage {
  defer { loci_image_free(handle) }
  let width = Int(loci_image_width(handle)), height = Int(loci_image_height(handle))
  guard let base = loci_image_pixels(handle), width > 0, height > 0 else {
    throw ImageError.corrupt(path: path, reason: "decoder returned an empty image")
  }
  return try GrayImage(width: width, height: height,
                       pixels: Array(UnsafeBufferPointer(start: base, count: width * height)))
}

/// `loci_image_decode_file` (cv::imdecode on the file's bytes); `maxPixels` 0: no limit.
func shimDecodeFile(_ path: String, maxPixels: Int) throws -> GrayImage {
  var handle: OpaquePointer?
  let status = loci_image_decode_file(path, Int64(maxPixels), &handle)
  guard status == LOCI_OK, let handle else { throw imageError(status, path: path) }
  return try grayImage(consuming: handle, path: path)
}

/// `loci_image_decode_memory` (cv::imdecode).
func shimDecodeMemory(_ data: Data, name: String, maxPixels: Int) throws -> GrayImage {
  var handle: OpaquePointer?
  let status = data.withUnsafeBytes { raw in
    loci_image_decode_memory(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, Int64(maxPixels), &handle)
  }
  guard status == LOCI_OK, let handle else { throw imageError(status, path: name) }
  return try grayImage(consuming: handle, path: name)
}

/// `loci_image_decode_memory_opencv`: every format through cv::imdecode (the tests' reference
/// for the JPEG path).
func shimDecodeMemoryWithOpenCV(_ data: Data, name: String) throws -> GrayImage {
  var handle: OpaquePointer?
  let status = data.withUnsafeBytes { raw in
    loci_image_decode_memory_opencv(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &handle)
  }
  guard status == LOCI_OK, let handle else { throw imageError(status, path: name) }
  return try grayImage(consuming: handle, path: name)
}

/// `loci_image_encode` (cv::imencode): 8-bit grey (1 channel) or RGB (3 channels).
func shimEncode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, fileExtension: String,
                quality: Int, path: String) throws -> Data {
  var handle: OpaquePointer?
  let status = pixels.withUnsafeBufferPointer {
    loci_image_encode($0.baseAddress, Int32(width), Int32(height), Int32(channels), fileExtension,
                      Int32(quality), &handle)
  }
  guard status == LOCI_OK, let handle else {
    throw ImageError.encodingFailed(path: path, reason: lociLastError())
  }
  defer { loci_buffer_free(handle) }
  return Data(bytes: loci_buffer_bytes(handle), count: loci_buffer_count(handle))
}
