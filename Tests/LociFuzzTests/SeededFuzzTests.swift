import XCTest

@testable import LociFuzz

/// A short seeded run of the format fuzzer (`scripts/fuzz.sh` runs it for minutes): every
/// mutant (of .lfeat, .lvoc, .lidx, VGG text and encoded images) is refused with a typed
/// error or accepted and then used without a trap. A crash here ends the test process, which fails the suite.
final class SeededFuzzTests: XCTestCase {
  func testMutantsOfEveryFormatAreRefusedOrUsedSafely() throws {
    for format in FuzzFormat.allCases {
      let report = try Fuzzer.run(format, seed: 2024, iterations: 300, hangLimit: 60)
      XCTAssertEqual(report.iterations, 300)
      XCTAssertEqual(report.accepted + report.refused, 300, format.rawValue)
      // The checksum fix-up lets most mutants past the checksum to the value checks, and
      // some mutants (a flipped bit in a descriptor, say) are valid files.
      XCTAssertLessThan(report.refusedByChecksum, 100, "\(format): \(report)")
      XCTAssertGreaterThan(report.accepted, 0, "\(format): \(report)")
      XCTAssertGreaterThan(report.refused - report.refusedByChecksum, 0, "\(format): \(report)")
    }
  }

  /// The same seed gives the same mutants, so a finding is reproduced by its seed.
  func testMutantsDependOnlyOnTheSeed() {
    let seed: [UInt8] = Array(0..<200)
    var a = Mutator(seed: 7), b = Mutator(seed: 7), c = Mutator(seed: 8)
    let ma = (0..<20).map { _ in a.mutate(seed) }
    XCTAssertEqual(ma, (0..<20).map { _ in b.mutate(seed) })
    XCTAssertNotEqual(ma, (0..<20).map { _ in c.mutate(seed) })
    XCTAssertTrue(ma.contains { $0 != seed })
  }
}
