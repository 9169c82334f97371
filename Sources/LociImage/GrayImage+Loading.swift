import Foundation

extension GrayImage {
  /// Decodes an image file (JPEG, PNG, PGM/PPM, TIFF, BMP, WebP; 8 or 16 bit; grey, colour
  /// or with alpha) to grey through OpenCV (`cv::imdecode`, `cv::cvtColor`). The EXIF
  /// orientation is not applied: coordinates refer to the stored pixel grid.
  ///
  /// Throws `ImageError.unreadable`, `.unrecognisedFormat` or `.corrupt` (truncated JPEG
  /// and PNG files are detected and refused, not padded).
  public init(contentsOf url: URL) throws {
    self = try shimDecodeFile(url.path)
  }

  /// Decodes encoded image bytes held in memory; `name` is used in error messages.
  public init(encoded data: Data, name: String = "<memory>") throws {
    self = try shimDecodeMemory(data, name: name)
  }

  /// Writes the image as 8-bit PNG or JPEG (by the URL's extension), atomically.
  public func write(to url: URL, quality: Int = 95) throws {
    let ext = "." + url.pathExtension.lowercased()
    let data = try shimEncode(bytes(), width: width, height: height, channels: 1, fileExtension: ext,
                              quality: quality, path: url.path)
    do { try writeAtomically(data, to: url) } catch let error as AtomicWriteError {
      throw ImageError.encodingFailed(path: url.path, reason: error.reason)
    }
  }
}

