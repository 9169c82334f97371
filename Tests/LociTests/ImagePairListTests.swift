import Foundation
import Loci
import XCTest

final class ImagePairListTests: XCTestCase {
  private func file(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString).txt")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  func testReadsHlocPairsSkippingCommentsAndBlankLines() throws {
    let url = try file("# from retrieval\na/1.jpg b/2.jpg\n\n  c.png\td.png  \r\n")
    defer { try? FileManager.default.removeItem(at: url) }
    let list = try ImagePairList.read(from: url)
    XCTAssertEqual(list.pairs, [.init("a/1.jpg", "b/2.jpg"), .init("c.png", "d.png")])
    XCTAssertEqual(try list.text(), "a/1.jpg b/2.jpg\nc.png d.png\n")
  }

  func testALineWithoutTwoNamesIsAnErrorNamingTheLine() throws {
    let url = try file("a.jpg b.jpg\na.jpg b.jpg c.jpg\n")
    defer { try? FileManager.default.removeItem(at: url) }
    XCTAssertThrowsError(try ImagePairList.read(from: url)) {
      let error = $0 as? ImagePairList.ParseError
      XCTAssertEqual(error?.line, 2)
      XCTAssertEqual(error?.reason, "expected two image names, found 3")
    }
  }

  func testNamesWithWhiteSpaceCannotBeWritten() {
    XCTAssertThrowsError(try ImagePairList([.init("my photo.jpg", "b.jpg")]).text())
  }
}
