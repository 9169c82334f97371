import LociCore
import Foundation
import XCTest

@testable import LociFeatures

final class FeatureFileTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("loci-ff-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  func sampleSet(count: Int = 5, dimension: Int = 4) -> FeatureSet {
    var rng = SplitMix64(seed: 7)
    let regions = (0..<count).map { i in
      AffineRegion(x: rng.unit() * 100, y: rng.unit() * 80,
                   shape: SymmetricMatrix2(a: 4 + rng.unit() * 10, b: rng.unit() - 0.5, c: 3 + rng.unit() * 10),
                   angle: i % 2 == 0 ? rng.unit() * 6 - 3 : nil, response: rng.unit())
    }
    let descriptors = (0..<(count * dimension)).map { _ in Float(rng.unit()) }
    return FeatureSet(imageWidth: 100, imageHeight: 80, detector: "test", parameters: "k=1",
                      descriptorKind: .rootsift, dimension: dimension, regions: regions, descriptors: descriptors,
                      sourcePath: "/data/img é.png", relativePath: "sub/img é.png")
  }

  /// Regions as stored (Float32) for bit-exact comparison.
  func storedPrecision(_ set: FeatureSet) -> FeatureSet {
    var s = set
    s.regions = set.regions.map {
      AffineRegion(x: Double(Float($0.x)), y: Double(Float($0.y)),
                   shape: SymmetricMatrix2(a: Double(Float($0.shape.a)), b: Double(Float($0.shape.b)),
                                           c: Double(Float($0.shape.c))),
                   angle: $0.angle.map { Double(Float($0)) }, response: Double(Float($0.response)))
    }
    return s
  }

  func testCRC32CKnownVector() {
    XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    XCTAssertEqual(CRC32C.checksum([]), 0)
    // 32 zero bytes: RFC 3720 test vector.
    XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
  }

  func testBinaryRoundTripIsExact() throws {
    let set = sampleSet()
    let url = folder.appendingPathComponent("a.lfeat")
    try FeatureFile.write(set, to: url)
    XCTAssertEqual(try FeatureFile.read(from: url), storedPrecision(set))
    let empty = FeatureSet(imageWidth: 1, imageHeight: 1, detector: "none", regions: [])
    XCTAssertEqual(try FeatureFile.decode(FeatureFile.encode(empty), path: "e"), empty)
  }

  /// CRC-valid files with NaN, infinite or absurd values (written as they are, the writer
  /// does not check) are refused naming the feature and the field; NaN stays "no angle".
  func testNonFiniteOrAbsurdValuesAreRefused() {
    func refused(_ edit: (inout FeatureSet) -> Void, _ expected: String, line: UInt = #line) {
      var set = sampleSet()
      edit(&set)
      XCTAssertThrowsError(try FeatureFile.decode(FeatureFile.encode(set), path: "f.lfeat"), line: line) {
        guard case let .implausible(_, reason) = $0 as? FeatureFileError else { return XCTFail("\($0)", line: line) }
        XCTAssertTrue(reason.contains(expected), reason, line: line)
      }
    }
    refused({ $0.regions[2].x = .nan }, "feature 2: x is nan")
    refused({ $0.regions[1].shape = SymmetricMatrix2(a: .infinity, b: 0, c: 1) }, "feature 1: s11 is inf")
    refused({ $0.regions[0].angle = 1e30 }, "feature 0: angle is 1.0000000150474662e+30")  // as Float32
    refused({ $0.regions[3].y = -3e9 }, "feature 3: y is -3")
    refused({ $0.regions[4].response = -.infinity }, "feature 4: response is -inf")
    refused({ $0.descriptors[9] = .nan }, "feature 2: descriptor component 1 is nan")
    var noAngle = sampleSet()
    noAngle.regions[0].angle = nil
    XCTAssertNil(try FeatureFile.decode(FeatureFile.encode(noAngle), path: "f.lfeat").regions[0].angle)
  }

  func testVGGRoundTripKeepsGeometryAndDescriptors() throws {
    let set = sampleSet()
    let url = folder.appendingPathComponent("a.vgg")
    try FeatureFile.write(set, to: url, format: .vgg)
    let back = try FeatureFile.read(from: url)
    XCTAssertEqual(back.count, set.count)
    XCTAssertEqual(back.dimension, 4)
    for (r, s) in zip(back.regions, set.regions) {
      XCTAssertEqual(r.x, s.x, accuracy: 1e-9)
      XCTAssertEqual(r.shape.a, s.shape.a, accuracy: 1e-9 * s.shape.a)
      XCTAssertEqual(r.shape.b, s.shape.b, accuracy: 1e-9)
      XCTAssertNil(r.angle, "the VGG format has no orientation")
    }
    XCTAssertEqual(back.descriptors, set.descriptors)
    let text = try String(contentsOf: url, encoding: .utf8)
    XCTAssertTrue(text.hasPrefix("4\n5\n"))
  }

  func testVGGWithoutDescriptorsUsesDimensionOne() throws {
    let set = FeatureSet(imageWidth: 10, imageHeight: 10, detector: "t", regions: [AffineRegion(x: 1, y: 2, radius: 2)])
    let text = FeatureFile.encodeVGG(set)
    XCTAssertEqual(text, "1\n1\n1.0 2.0 0.25 -0.0 0.25\n")
    let back = try FeatureFile.decodeVGG(text, path: "t")
    XCTAssertEqual(back.dimension, 0)
    XCTAssertEqual(back.regions[0].scale, 2, accuracy: 1e-12)
  }

  func testEveryTruncationIsATypedErrorNeverACrash() {
    let bytes = FeatureFile.encode(sampleSet(count: 3, dimension: 2))
    for length in 0..<bytes.count {
      XCTAssertThrowsError(try FeatureFile.decode(Array(bytes[0..<length]), path: "t")) { error in
        XCTAssertTrue(error is FeatureFileError, "length \(length): \(error)")
      }
    }
  }

  func testBadMagicVersionChecksumAndCounts() {
    var bytes = FeatureFile.encode(sampleSet())
    var wrongMagic = bytes
    wrongMagic[0] = UInt8(ascii: "X")
    XCTAssertThrowsError(try FeatureFile.decode(wrongMagic, path: "m")) {
      XCTAssertEqual($0 as? FeatureFileError, .badMagic(path: "m"))
    }
    var flipped = bytes
    flipped[flipped.count / 2] ^= 0x10
    XCTAssertThrowsError(try FeatureFile.decode(flipped, path: "c")) {
      guard case .checksumMismatch = $0 as? FeatureFileError else { return XCTFail("\($0)") }
    }
    var version = bytes
    version[8] = 9
    XCTAssertThrowsError(try FeatureFile.decode(version, path: "v")) {
      XCTAssertEqual($0 as? FeatureFileError, .unsupportedVersion(path: "v", version: 9))
    }
    // An absurd count with a valid checksum: refused before any allocation.
    let countOffset = bytes.count - 4 - 5 * (7 + 4) * 4 - 4
    bytes[countOffset + 3] = 0x7F
    bytes.removeLast(4)
    var w = BinaryWriter()
    w.write(raw: bytes)
    w.sealWithChecksum()
    XCTAssertThrowsError(try FeatureFile.decode(w.bytes, path: "n")) {
      guard case .implausible = $0 as? FeatureFileError else { return XCTFail("\($0)") }
    }
  }

  /// A combined set (several detectors) is written as version 2 with its parts and read back
  /// exactly; a set of one detector stays version 1, byte for byte what earlier builds wrote.
  func testCombinedSetsRoundTripAsVersionTwo() throws {
    var set = sampleSet(count: 5)
    set.detector = "mfd+mser"
    set.parts = [FeatureSet.Part(detector: "mfd", count: 3), FeatureSet.Part(detector: "mser", count: 2)]
    let bytes = FeatureFile.encode(set)
    XCTAssertEqual(Array(bytes[8..<12]), [2, 0, 0, 0])
    let read = try FeatureFile.decode(bytes, path: "p")
    XCTAssertEqual(read, storedPrecision(set))
    XCTAssertEqual(read.detectorRanges.map(\.detector), ["mfd", "mser"])
    XCTAssertEqual(read.detectorRanges.map(\.range), [0..<3, 3..<5])
    let single = sampleSet(count: 5)
    XCTAssertEqual(Array(FeatureFile.encode(single)[8..<12]), [1, 0, 0, 0])
    XCTAssertEqual(single.detectorRanges.map(\.range), [0..<5])
    // Parts that do not cover the features, with a valid checksum: refused.
    var short = Array(bytes.dropLast(4))
    let partCountOffset = short.count - 5 * (7 + 4) * 4 - (4 + 4 + 3 + 4 + 4 + 4 + 4)
    XCTAssertEqual(Array(short[partCountOffset..<(partCountOffset + 4)]), [2, 0, 0, 0])
    short[short.count - 5 * (7 + 4) * 4 - 4] = 1  // mser's count 2 → 1
    var w = BinaryWriter()
    w.write(raw: short)
    w.sealWithChecksum()
    XCTAssertThrowsError(try FeatureFile.decode(w.bytes, path: "q")) {
      guard case let .implausible(_, reason) = $0 as? FeatureFileError else { return XCTFail("\($0)") }
      XCTAssertTrue(reason.contains("detector parts hold 4 features, the set 5"), reason)
    }
    // One detector named for two parts: refused (matching would see only the first).
    var twice = set
    twice.parts = [FeatureSet.Part(detector: "mser", count: 3), FeatureSet.Part(detector: "mser", count: 2)]
    XCTAssertThrowsError(try FeatureFile.decode(FeatureFile.encode(twice), path: "r")) {
      guard case let .implausible(_, reason) = $0 as? FeatureFileError else { return XCTFail("\($0)") }
      XCTAssertTrue(reason.contains("detector part 'mser' named twice"), reason)
    }
  }

  func testMalformedVGGTextNamesTheLine() {
    XCTAssertThrowsError(try FeatureFile.decodeVGG("1\n2\n1 2 1 0 1\n3 4 x 0 1\n", path: "f")) {
      XCTAssertEqual($0 as? FeatureFileError, .malformedText(path: "f", line: 4, reason: "'x' is not a number"))
    }
    XCTAssertThrowsError(try FeatureFile.decodeVGG("1\n3\n1 2 1 0 1\n", path: "f")) {
      guard case .truncated = $0 as? FeatureFileError else { return XCTFail("\($0)") }
    }
    XCTAssertThrowsError(try FeatureFile.decodeVGG("1\n1e12\n", path: "f"))
    // Finite but absurd: a position of 1e300, a descriptor value that is infinite as Float32.
    XCTAssertThrowsError(try FeatureFile.decodeVGG("0\n1\n1e300 2 1 0 1\n", path: "f")) {
      guard case let .implausible(_, reason) = $0 as? FeatureFileError else { return XCTFail("\($0)") }
      XCTAssertTrue(reason.contains("feature 0: x is 1e+300"), reason)
    }
    XCTAssertThrowsError(try FeatureFile.decodeVGG("2\n1\n1 2 1 0 1 0.5 1e39\n", path: "f")) {
      guard case let .malformedText(_, line, reason) = $0 as? FeatureFileError else { return XCTFail("\($0)") }
      XCTAssertEqual(line, 3)
      XCTAssertTrue(reason.contains("out of range"), reason)
    }
  }

  func testReadingAMissingFileOrAnImageIsATypedError() throws {
    XCTAssertThrowsError(try FeatureFile.read(from: folder.appendingPathComponent("nope.lfeat"))) {
      guard case .unreadable = $0 as? FeatureFileError else { return XCTFail("\($0)") }
    }
    let garbage = folder.appendingPathComponent("x.lfeat")
    try Data([0xFF, 0xD8, 0xFF, 0x00]).write(to: garbage)
    XCTAssertThrowsError(try FeatureFile.read(from: garbage)) {
      XCTAssertEqual($0 as? FeatureFileError, .badMagic(path: garbage.path))
    }
    XCTAssertFalse(FeatureFile.isValid(at: garbage))
  }
}

