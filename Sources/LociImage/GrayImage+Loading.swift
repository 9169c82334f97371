import Foundation

extension GrayImage {
  /// Decodes an image file (JPEG, PNG, PGM/PPM, TIFF, BMP, WebP; 8 or 16 bit; grey, colour
  /// or with alpha) to grey through OpenCV (`cv::imdecode`, `cv::cvtColor`). The EXIF
  /// orientation is not applied: coordinates refer to the stored pixel grid.
  ///
  /// Throws `ImageError.unreadable`, `.unrecognisedFormat` or `.corrupt` (truncated JPEG
  /// and PNG files are detected and refused, not padded). Only regular files are opened
  /// (symbolic links to them too): a FIFO or a device would block or never end.
  public init(contentsOf url: URL) throws {
    try Self.requireRegularFile(url)
    self = try shimDecodeFile(url.path)
  }

  /// Refuses anything but a regular file, before it is opened.
  static func requireRegularFile(_ url: URL) throws {
    var status = stat()
    guard stat(url.path, &status) == 0 else {
      throw ImageError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      let kind: String
      switch status.st_mode & S_IFMT {
      case S_IFIFO: kind = "a FIFO"
      case S_IFDIR: kind = "a folder"
      case S_IFCHR, S_IFBLK: kind = "a device"
      case S_IFSOCK: kind = "a socket"
      default: kind = "not a regular file"
      }
      throw ImageError.unreadable(path: url.path, reason: "\(kind), not an image file")
    }
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

