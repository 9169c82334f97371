import Foundation
import XCTest

@testable import LociIndex

/// Adding batch by batch (statistics brought up to date once) writes the same index as adding
/// everything at once; a failing batch keeps the batches before it and leaves the statistics
/// consistent.
final class BatchedAddTests: XCTestCase {
  func testBatchesWriteTheSameIndexAsOneAdd() throws {
    let data = IndexTestData(seed: 51, dimension: 32, words: 8, images: 7)
    let empty = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    var whole = empty
    try whole.add(data.images, ids: (0..<7).map { Int64(10 + $0) })
    var batched = empty
    var next = 0
    let added = try batched.add(batches: {
      guard next < data.images.count else { return nil }
      defer { next += 3 }
      return Array(data.images[next..<Swift.min(next + 3, data.images.count)])
    }, firstID: 10)
    XCTAssertEqual(added, 0..<7)
    XCTAssertEqual(IndexFile.encode(batched), IndexFile.encode(whole))
    XCTAssertEqual(batched.position(ofImageID: 16), 6)
    let query = data.query(near: 4, seed: 2)
    XCTAssertEqual(try batched.query(query), try whole.query(query))
  }

  func testAFailingBatchKeepsTheEarlierOnesWithTheirStatistics() throws {
    let data = IndexTestData(seed: 52, dimension: 32, words: 8, images: 6)
    var index = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    var calls = 0
    XCTAssertThrowsError(try index.add(batches: {
      calls += 1
      switch calls {
      case 1: return Array(data.images[0..<3])
      case 2:
        // A good set, then one of another dimension: the batch adds neither.
        let set = data.images[3]
        return [set, FeatureSet(imageWidth: set.imageWidth, imageHeight: set.imageHeight, detector: set.detector,
                                descriptorKind: set.descriptorKind, dimension: 16, regions: Array(set.regions.prefix(1)),
                                descriptors: [Float](repeating: 0.1, count: 16))]
      default: return nil
      }
    })) { guard case .dimensionMismatch = $0 as? IndexError else { return XCTFail("\($0)") } }
    XCTAssertEqual(index.images.count, 3)
    var reference = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    try reference.add(Array(data.images[0..<3]))
    XCTAssertEqual(IndexFile.encode(index), IndexFile.encode(reference))
  }
}
