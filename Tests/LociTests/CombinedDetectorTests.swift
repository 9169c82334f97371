import Foundation
import XCTest

@testable import Loci

/// Feature sets from several detectors: each detector's part is what it gives alone, the
/// settings round-trip through the recorded parameters, and options reach the right detector.
final class CombinedDetectorTests: XCTestCase {
  static let image = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/graf-img1-400.png")

  func testEachPartIsWhatItsDetectorGivesAlone() throws {
    let detectors = try DetectorSettings.makeDetectors([.mfd, .mser], settings: [])
    let combined = try FeatureExtractor(detectors: detectors).extract(fromFile: Self.image)
    let mfd = try FeatureExtractor(detector: MFDDetector()).extract(fromFile: Self.image)
    let mser = try FeatureExtractor(detector: OpenCVMSERDetector()).extract(fromFile: Self.image)
    XCTAssertEqual(combined.detector, "mfd+mser")
    XCTAssertEqual(combined.parts, [FeatureSet.Part(detector: "mfd", count: mfd.count), FeatureSet.Part(detector: "mser", count: mser.count)])
    XCTAssertEqual(combined.regions, mfd.regions + mser.regions)
    XCTAssertEqual(combined.descriptors, mfd.descriptors + mser.descriptors)
    XCTAssertGreaterThan(mser.count, 50)
    // One detector: no parts, the set as before.
    XCTAssertEqual(mfd.parts, [])
    XCTAssertEqual(mfd.detector, "mfd")
  }

  /// An index of combined sets records `mfd: …; mser: …; descriptor=…`; the extractor
  /// rebuilt from it (for queries given as images) has the same settings.
  func testCombinedParametersRoundTripForImageQueries() throws {
    let detectors = try DetectorSettings.makeDetectors([.mfd, .mser], settings: [("minScore", "0.2"), ("mser.delta", "7")])
    let extractor = FeatureExtractor(detectors: detectors, maxFeatures: 300)
    XCTAssertTrue(extractor.parameters.hasPrefix("mfd: "), extractor.parameters)
    XCTAssertEqual(DetectorSettings.segment(of: .mser, in: extractor.parameters).map {
      DetectorSettings.recorded(in: $0, for: .mser).first { $0.key == "delta" }?.value
    }, "7")
    var options = IndexOptions()
    options.kernel = .bow
    var index = try RetrievalIndex(vocabulary: FlatVocabulary(dimension: 128, centroids: [Float](repeating: 0, count: 256)), options: options)
    index.detector = extractor.detectorName
    index.featureParameters = extractor.parameters
    let rebuilt = try Retrieval.extractor(for: index)
    XCTAssertEqual(rebuilt.parameters, extractor.parameters)
    XCTAssertEqual(rebuilt.detectors.map(\.name), ["mfd", "mser"])
    XCTAssertEqual((rebuilt.detectors[0] as? MFDDetector)?.options.minScore, 0.2)
    XCTAssertEqual((rebuilt.detectors[1] as? OpenCVMSERDetector)?.delta, 7)
  }

  func testOptionsGoToTheDetectorsThatHaveThem() throws {
    // maxFeatures: MFD has it, MSER does not: applied to MFD only.
    let both = try DetectorSettings.makeDetectors([.mfd, .mser], settings: [("maxFeatures", "40")])
    XCTAssertEqual((both[0] as? MFDDetector)?.options.maxFeatures, 40)
    XCTAssertThrowsError(try DetectorSettings.makeDetectors([.mfd, .mser], settings: [("bogus", "1")])) {
      XCTAssertTrue("\($0)".contains("none of the detectors mfd, mser has an option 'bogus'"), "\($0)")
    }
    XCTAssertThrowsError(try DetectorSettings.makeDetectors([.mfd, .mser], settings: [("sift.maxFeatures", "1")])) {
      XCTAssertTrue("\($0)".contains("sift is not among the detectors"), "\($0)")
    }
    XCTAssertThrowsError(try DetectorSettings.makeDetectors([.mfd, .mser], settings: [("mser.minScore", "0.1")])) {
      XCTAssertTrue("\($0)".contains("the mser detector has no option 'minScore'"), "\($0)")
    }
    XCTAssertEqual(try DetectorName.list("mfd,mser"), [.mfd, .mser])
    XCTAssertEqual(try DetectorName.list("mfd+mser"), [.mfd, .mser])
    XCTAssertThrowsError(try DetectorName.list("mfd,mfd"))
    XCTAssertThrowsError(try DetectorName.list("mfd,dog"))
  }
}
