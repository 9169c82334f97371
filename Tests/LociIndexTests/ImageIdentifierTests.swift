import Foundation
import XCTest

@testable import LociIndex

/// Images are named by the caller's identifiers, which results carry and `.lidx` files keep.
final class ImageIdentifierTests: XCTestCase {
  private func emptyIndex(_ data: IndexTestData) throws -> RetrievalIndex {
    try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
  }

  func testResultsCarryTheCallersIdentifiers() throws {
    let data = IndexTestData(seed: 31, dimension: 64)
    var index = try emptyIndex(data)
    let ids: [Int64] = [9_000_000_001, -4, 77, 12, 5, 600]
    try index.add(data.images, ids: ids)
    index.queryOptions.multipleAssignment = 1  // so that each image is its own best match
    XCTAssertEqual(index.images.map(\.id), ids)
    let ranking = try index.query(data.query(near: 1, seed: 2))
    XCTAssertEqual(ranking.count, ids.count)
    for hit in ranking { XCTAssertEqual(hit.id, ids[hit.image]) }
    for (position, id) in ids.enumerated() {
      XCTAssertEqual(index.position(ofImageID: id), position)
      let best = try XCTUnwrap(try index.query(data.images[position], top: 1).first)
      XCTAssertEqual(best.image, position)
      XCTAssertEqual(best.id, id, "the best match of an indexed image is itself, named by its identifier")
    }
    XCTAssertNil(index.position(ofImageID: 1))
  }

  func testDefaultIdentifiersContinueAfterTheLargest() throws {
    let data = IndexTestData(seed: 32, dimension: 64)
    var index = try emptyIndex(data)
    try index.add(Array(data.images[0..<2]))
    XCTAssertEqual(index.images.map(\.id), [0, 1], "without identifiers, images are numbered from 0")
    try index.add([data.images[2]], ids: [40])
    try index.add(Array(data.images[3..<5]))
    XCTAssertEqual(index.images.map(\.id), [0, 1, 40, 41, 42])
  }

  func testRepeatedOrMiscountedIdentifiersAddNothing() throws {
    let data = IndexTestData(seed: 33, dimension: 64)
    var index = try emptyIndex(data)
    try index.add([data.images[0]], ids: [7])
    let before = index
    XCTAssertThrowsError(try index.add([data.images[1]], ids: [7])) {
      XCTAssertEqual($0 as? IndexError, .duplicateImageID(7))
    }
    XCTAssertThrowsError(try index.add([data.images[1], data.images[2]], ids: [8, 8])) {
      XCTAssertEqual($0 as? IndexError, .duplicateImageID(8))
    }
    XCTAssertThrowsError(try index.add([data.images[1], data.images[2]], ids: [8])) {
      XCTAssertEqual($0 as? IndexError, .imageIDCountMismatch(sets: 2, ids: 1))
    }
    XCTAssertEqual(index.images, before.images)
    XCTAssertEqual(index.lists, before.lists)
  }

  func testIdentifiersSurviveTheFile() throws {
    let data = IndexTestData(seed: 34, dimension: 64)
    var index = try emptyIndex(data)
    try index.add(data.images, ids: [50, 40, 30, 20, 10, 0])
    let back = try IndexFile.decode(IndexFile.encode(index), path: "x.lidx") { _ in data.vocabulary }
    XCTAssertEqual(back.images.map(\.id), [50, 40, 30, 20, 10, 0])
    XCTAssertEqual(try back.query(data.images[1], top: 1).first?.id, 40)
    XCTAssertEqual(back.position(ofImageID: 10), 4)
  }
}

/// Query options belong to each query: the index's are only the defaults.
final class QueryOptionsTests: XCTestCase {
  func testAQueryMayScoreWithItsOwnOptions() throws {
    let data = IndexTestData(seed: 35, dimension: 64)
    var index = try RetrievalIndex(vocabulary: data.vocabulary, options: IndexOptions(), trainingFrom: data.images)
    try index.add(data.images)
    let query = data.query(near: 2, seed: 3)
    var single = QueryOptions()
    single.multipleAssignment = 1
    var sharper = QueryOptions()
    sharper.alpha = 9
    let byDefault = try index.score(query)
    XCTAssertEqual(index.queryAssignments(query).first?.count, 3)
    XCTAssertEqual(index.queryAssignments(query, options: single).first?.count, 1)
    XCTAssertNotEqual(try index.score(query, options: single), byDefault)
    // σ_α(u) = u^α with u ≤ 1: a larger α lowers every partial match.
    let sharperScores = try index.score(query, options: sharper)
    for (a, b) in zip(sharperScores, byDefault) { XCTAssertLessThanOrEqual(a, b + 1e-6) }
    XCTAssertLessThan(sharperScores.reduce(0, +), byDefault.reduce(0, +))
    // Setting the index's defaults is the same as passing them.
    var changed = index
    changed.queryOptions = single
    XCTAssertEqual(try changed.score(query), try index.score(query, options: single))
  }

  func testOptionsThatCannotScoreThrow() throws {
    let data = IndexTestData(seed: 36, dimension: 64)
    var index = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    try index.add(data.images)
    var bad = QueryOptions()
    bad.alpha = -1
    XCTAssertThrowsError(try index.query(data.images[0], options: bad)) {
      XCTAssertEqual($0 as? IndexError, .invalidQueryOptions("alpha -1.0 is not a positive number"))
    }
    bad = QueryOptions()
    bad.multipleAssignment = 0
    XCTAssertThrowsError(try index.score(data.images[0], options: bad))
  }
}
