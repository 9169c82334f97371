import LociCore
import Foundation

extension GrayImage {
  /// Decodes an image file (JPEG, PNG, PGM/PPM, TIFF, BMP, WebP; 8 or 16 bit; grey, colour
  /// or with alpha) to grey through OpenCV (`cv::imdecode`, `cv::cvtColor`). The EXIF
  /// orientation is not applied: coordinates refer to the stored pixel grid.
  ///
  /// Throws `ImageError.unreadable`, `.unrecognisedFormat` or `.corrupt` (truncated JPEG
  /// and PNG files are detected and refused, not padded). Only regular files are opened
  /// (symbolic links to them too): a FIFO or a device would block or never end.
  ///
  /// An image whose header declares more than `maxPixels` pixels (width × height; 0: no
  /// limit but OpenCV's 2³⁰) throws `ImageError.tooLarge` before anything is decoded, so a
  /// small file claiming 30000 × 30000 pixels costs nothing.
  public init(contentsOf url: URL, maxPixels: Int = GrayImage.defaultMaxPixels) throws {
    try Self.requireRegularFile(url)
    self = try shimDecodeFile(url.path, maxPixels: maxPixels)
  }

  /// The default pixel limit of decoding: 64 megapixels (8000 × 8000), above the output of
  /// phone and consumer cameras. Detection and description peak at about 40 bytes per
  /// pixel (a 24-megapixel photo: 0.94 GB resident in `featurize --jobs 1`), so an image
  /// at the limit needs about 2.5 GB, and two in flight fit in 8 GB.
  public static let defaultMaxPixels = 64_000_000

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

  /// Decodes encoded image bytes held in memory; `name` is used in error messages and
  /// `maxPixels` is checked as in `init(contentsOf:maxPixels:)`.
  public init(encoded data: Data, name: String = "<memory>", maxPixels: Int = GrayImage.defaultMaxPixels) throws {
    self = try shimDecodeMemory(data, name: name, maxPixels: maxPixels)
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

