import LociCore
import Foundation
import XCTest

@testable import LociImage

final class ImageCodecTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("loci-codec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  /// A binary PGM (P5) written by hand, so the decoder is checked against known bytes.
  func pgm(width: Int, height: Int, maxValue: Int, samples: [Int]) -> Data {
    var data = Data("P5\n\(width) \(height)\n\(maxValue)\n".utf8)
    for s in samples {
      if maxValue > 255 { data += [UInt8(s >> 8), UInt8(s & 0xFF)] } else { data.append(UInt8(s)) }
    }
    return data
  }

  func testDecodes8And16BitGreyExactly() throws {
    let eight = try GrayImage(encoded: pgm(width: 3, height: 2, maxValue: 255, samples: [0, 51, 102, 153, 204, 255]))
    XCTAssertEqual(eight.width, 3)
    XCTAssertEqual(eight.height, 2)
    XCTAssertEqual(eight.pixels, [0, 0.2, 0.4, 0.6, 0.8, 1].map { Float($0) })
    let sixteen = try GrayImage(encoded: pgm(width: 2, height: 1, maxValue: 65535, samples: [65535, 13107]))
    XCTAssertEqual(sixteen.pixels[0], 1, accuracy: 1e-7)
    XCTAssertEqual(sixteen.pixels[1], 0.2, accuracy: 1e-6)
  }

  func testColourIsConvertedWithRec601Luma() throws {
    var data = Data("P6\n2 1\n255\n".utf8)
    data += [255, 0, 0, 0, 0, 255]  // red, blue
    let image = try GrayImage(encoded: data)
    XCTAssertEqual(image.pixels[0], 0.299, accuracy: 1.0 / 255)
    XCTAssertEqual(image.pixels[1], 0.114, accuracy: 1.0 / 255)
  }

  func testPNGRoundTripThroughEncoder() throws {
    let image = GrayImage(width: 17, height: 9) { x, y in Float((x * 13 + y * 7) % 256) / 255 }
    let url = folder.appendingPathComponent("round.png")
    try image.write(to: url)
    let back = try GrayImage(contentsOf: url)
    XCTAssertEqual(back.bytes(), image.bytes(), "8-bit PNG is lossless")
    XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.contains(".tmp-") })
  }

  func testLosslessFormatsRoundTripThroughOpenCV() throws {
    let image = GrayImage(width: 23, height: 11) { x, y in Float((x * 11 + y * 5) % 256) / 255 }
    let colour = RGBImage(gray: image)
    for ext in [".png", ".bmp", ".tif", ".webp", ".ppm"] {
      let back = try GrayImage(encoded: try colour.encoded(as: ext), name: ext)
      XCTAssertEqual(back.bytes(), image.bytes(), ext)
    }
    let jpeg = try GrayImage(encoded: try colour.encoded(as: ".jpg", quality: 95))
    XCTAssertLessThan(zip(jpeg.pixels, image.pixels).map { abs($0 - $1) }.max()!, 0.1, "JPEG is close")
    XCTAssertThrowsError(try colour.encoded(as: ".gif"))
  }

  func testTruncatedJPEGAndPNGAreRefusedNotPadded() throws {
    let image = RGBImage(gray: GrayImage(width: 64, height: 48) { x, y in Float((x ^ y) & 31) / 31 })
    for ext in [".jpg", ".png"] {
      let bytes = try image.encoded(as: ext)
      XCTAssertNoThrow(try GrayImage(encoded: bytes, name: "whole\(ext)"))
      let cut = bytes.prefix(bytes.count * 2 / 3)
      XCTAssertThrowsError(try GrayImage(encoded: Data(cut), name: "cut\(ext)")) { error in
        guard case let ImageError.corrupt(path, reason) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(path, "cut\(ext)")
        XCTAssertTrue(reason.contains("truncated"), reason)
      }
    }
  }

  /// Every format's header is read for its size before decoding: a limit of exactly
  /// width × height passes and one pixel less is refused, naming the declared size.
  func testPixelLimitIsCheckedFromEveryFormatsHeader() throws {
    let colour = RGBImage(gray: GrayImage(width: 23, height: 11) { x, y in Float((x * 11 + y * 5) % 256) / 255 })
    for ext in [".png", ".jpg", ".bmp", ".tif", ".webp", ".ppm"] {
      let bytes = try colour.encoded(as: ext)
      XCTAssertEqual(try GrayImage(encoded: bytes, name: ext, maxPixels: 23 * 11).width, 23, ext)
      XCTAssertThrowsError(try GrayImage(encoded: bytes, name: ext, maxPixels: 23 * 11 - 1), ext) { error in
        guard case let ImageError.tooLarge(path, reason) = error else { return XCTFail("\(ext): \(error)") }
        XCTAssertEqual(path, ext)
        XCTAssertTrue(reason.contains("declares 23 x 11 pixels"), reason)
      }
    }
    // A PGM header written by hand, with a comment, and a PAM (P7) header.
    let commented = Data("P5\n# made by hand\n40000 30000\n255\n".utf8) + Data(repeating: 9, count: 64)
    XCTAssertThrowsError(try GrayImage(encoded: commented, maxPixels: 1_000_000)) { error in
      XCTAssertTrue("\(error)".contains("declares 40000 x 30000"), "\(error)")
    }
    let pam = Data("P7\nWIDTH 5000\nHEIGHT 4000\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n".utf8)
    XCTAssertThrowsError(try GrayImage(encoded: pam + Data(repeating: 0, count: 16), maxPixels: 1_000_000)) { error in
      XCTAssertTrue("\(error)".contains("declares 5000 x 4000"), "\(error)")
    }
  }

  /// A decompression bomb: a 3 KB JPEG whose frame header says 30000 × 30000. libjpeg would
  /// "decode" it by padding 900 million grey pixels; it is refused from the header at once.
  func testDecompressionBombIsRefusedBeforeDecoding() throws {
    var bytes = [UInt8](try RGBImage(gray: GrayImage(width: 64, height: 48) { x, _ in Float(x) / 64 }).encoded(as: ".jpg"))
    let frame = try XCTUnwrap((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
    bytes[frame + 5...frame + 8] = [0x75, 0x30, 0x75, 0x30]  // height, width = 30000
    let url = folder.appendingPathComponent("bomb.jpg")
    try Data(bytes).write(to: url)
    let start = Date()
    XCTAssertThrowsError(try GrayImage(contentsOf: url)) { error in
      guard case let ImageError.tooLarge(_, reason) = error else { return XCTFail("\(error)") }
      XCTAssertTrue(reason.contains("JPEG header declares 30000 x 30000"), reason)
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 1, "refused before decoding")
    // A file larger than any image within the limit could be is refused before it is read.
    XCTAssertThrowsError(try GrayImage(encoded: Data(repeating: 0xFF, count: 2 << 20), maxPixels: 1000)) { error in
      guard case ImageError.tooLarge = error else { return XCTFail("\(error)") }
    }
  }

  /// JPEGs are decoded with libjpeg directly (to attribute its warnings); the pixels must be
  /// exactly cv::imdecode's: colour (4:2:0) and grey, and the fixtures' camera photo.
  func testJPEGPathGivesOpenCVsPixelsExactly() throws {
    var files: [(String, Data)] = []
    let photo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/scenes/image00-480.jpg")
    files.append(("fixture", try Data(contentsOf: photo)))
    let gradient = GrayImage(width: 37, height: 29) { x, y in Float((x * 7 + y * 3) % 256) / 255 }
    files.append(("grey", try shimEncode(gradient.bytes(), width: 37, height: 29, channels: 1, fileExtension: ".jpg",
                                         quality: 90, path: "g")))
    var rgb: [UInt8] = []
    for y in 0..<29 { for x in 0..<37 { rgb += [UInt8(x * 6), UInt8(y * 8), UInt8((x * y) % 256)] } }
    files.append(("colour", try shimEncode(rgb, width: 37, height: 29, channels: 3, fileExtension: ".jpg", quality: 75, path: "c")))
    for (name, data) in files {
      let ours = try GrayImage(encoded: data, name: name)
      let openCV = try shimDecodeMemoryWithOpenCV(data, name: name)
      XCTAssertEqual(ours.width, openCV.width, name)
      XCTAssertEqual(ours.pixels, openCV.pixels, name)
    }
  }

  /// A JPEG whose scan data is damaged (a run of zeroed bytes mid-scan, EOI still present)
  /// once decoded with an unattributed libjpeg warning on stderr: it is now refused as
  /// corrupt, naming libjpeg's reason.
  func testDamagedJPEGScanIsCorruptWithLibjpegsReason() throws {
    let photo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/scenes/image00-480.jpg")
    var bytes = [UInt8](try Data(contentsOf: photo))
    let scan = try XCTUnwrap((0..<bytes.count - 1).last { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
    let middle = scan + (bytes.count - scan) / 2
    for k in middle..<(middle + 2000) { bytes[k] = 0xFF }  // FF FF…: a marker where data was
    bytes[middle + 2000] = 0xD0
    XCTAssertThrowsError(try GrayImage(encoded: Data(bytes), name: "damaged.jpg")) { error in
      guard case let ImageError.corrupt(path, reason) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, "damaged.jpg")
      XCTAssertTrue(reason.contains("Corrupt JPEG data") || reason.contains("Premature end"), reason)
    }
  }

  /// OpenCV's decoders report a failure by printing "imdecode_(''): can't read data: …" on
  /// stderr, unattributed when images decode in parallel; that reason now belongs to the
  /// image's own error (and is no longer printed).
  func testOpenCVsDecodingMessageBelongsToTheImage() throws {
    let colour = RGBImage(gray: GrayImage(width: 48, height: 36) { x, y in Float((x + y) % 32) / 32 })
    for ext in [".bmp", ".ppm"] {
      let bytes = try colour.encoded(as: ext)
      XCTAssertThrowsError(try GrayImage(encoded: Data(bytes.prefix(bytes.count * 6 / 10)), name: "cut\(ext)")) { error in
        guard case let ImageError.corrupt(path, reason) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(path, "cut\(ext)")
        XCTAssertTrue(reason.contains("Unexpected end of input stream"), reason)
      }
    }
  }

  func testNonImagesMissingFilesAndEmptyFilesGetTypedErrors() throws {
    let text = folder.appendingPathComponent("notes.jpg")
    try Data("hello, not an image".utf8).write(to: text)
    XCTAssertThrowsError(try GrayImage(contentsOf: text)) { error in
      guard case ImageError.unrecognisedFormat = error else { return XCTFail("\(error)") }
      XCTAssertTrue("\(error)".contains("notes.jpg"))
    }
    XCTAssertThrowsError(try GrayImage(contentsOf: folder.appendingPathComponent("missing.png"))) { error in
      guard case ImageError.unreadable = error else { return XCTFail("\(error)") }
    }
    let empty = folder.appendingPathComponent("empty.png")
    try Data().write(to: empty)
    XCTAssertThrowsError(try GrayImage(contentsOf: empty)) { error in
      guard case ImageError.unrecognisedFormat = error else { return XCTFail("\(error)") }
    }
    // A PNG signature followed by garbage: recognised, then refused as corrupt.
    var fake = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    fake += Data(repeating: 7, count: 100) + Data("IEND".utf8) + Data(repeating: 0, count: 4)
    XCTAssertThrowsError(try GrayImage(encoded: fake)) { error in
      guard case ImageError.corrupt = error else { return XCTFail("\(error)") }
    }
  }

  func testAtomicWriteIntoMissingFolderFailsCleanly() {
    let url = folder.appendingPathComponent("no/such/dir/file.bin")
    XCTAssertThrowsError(try writeAtomically(Data([1, 2, 3]), to: url)) { error in
      XCTAssertTrue(error is AtomicWriteError)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
  }

  func testAtomicWriteReplacesExistingFile() throws {
    let url = folder.appendingPathComponent("file.bin")
    try writeAtomically(Data([1, 2, 3]), to: url)
    try writeAtomically(Data([9]), to: url)
    XCTAssertEqual(try Data(contentsOf: url), Data([9]))
  }
}
