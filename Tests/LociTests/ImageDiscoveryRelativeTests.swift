import Foundation
import Loci
import XCTest

/// Files given one by one keep their path under `relativeTo`, as a walk of that folder names them.
final class ImageDiscoveryRelativeTests: XCTestCase {
  func testFilesAreNamedByTheirPathUnderTheRoot() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures")
    let files = ["scenes/image00-480.jpg", "graf-img1-400.png"].map { fixtures.appendingPathComponent($0) }
    let named = try ImageDiscovery.discover(files, relativeTo: fixtures).images.map(\.relativePath)
    XCTAssertEqual(named, ["scenes/image00-480.jpg", "graf-img1-400.png"])
    let walked = try ImageDiscovery.discover([fixtures]).images.map(\.relativePath)
    XCTAssertTrue(Set(named).isSubset(of: Set(walked)))
    XCTAssertEqual(try ImageDiscovery.discover(files).images.map(\.relativePath), ["image00-480.jpg", "graf-img1-400.png"],
                   "without a root, the file name")
    // A file outside the root keeps its file name.
    XCTAssertEqual(try ImageDiscovery.discover([files[0]], relativeTo: fixtures.appendingPathComponent("elsewhere"))
      .images.map(\.relativePath), ["image00-480.jpg"])
  }
}
