import XCTest

/// Both executables print the release version (CHANGELOG.md's procedure bumps it).
final class VersionTests: XCTestCase {
  func testBothExecutablesPrintTheVersion() throws {
    for tool in ["featurize", "loci"] {
      let run = try CLI.run(tool, ["--version"])
      XCTAssertEqual(run.status, 0, run.stderr)
      XCTAssertTrue(run.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(tool): \(run.stdout)")
    }
  }
}
