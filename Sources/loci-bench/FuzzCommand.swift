import ArgumentParser
import Foundation
import LociCommandLine
import LociFuzz

extension FuzzFormat: ExpressibleByArgument {}

/// `loci-bench fuzz FORMAT`: seeded mutation fuzzing of one file format for a bounded time
/// (scripts/fuzz.sh runs every format under a memory limit).
struct FuzzCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fuzz",
    abstract: "Mutate valid .lfeat/.lvoc/.lidx files (checksums fixed up), decode and use each mutant; a crash or hang is a finding.")

  @Argument(help: "Format: lfeat, lvoc or lidx.") var format: FuzzFormat
  @Option(help: "Seconds to run.") var seconds: Double = 60
  @Option(help: "Seed of the mutants (mutant i depends only on the seed and i).") var seed: UInt64 = 1
  @Option(help: "A mutant running longer than this many seconds aborts the run as a hang.") var hangLimit: Double = 10
  @Option(help: "Each mutant is written here before it is used, so a crash leaves it behind.") var mutantFile: String?
  @Flag var json = false

  func run() throws {
    let report = try Fuzzer.run(format, seed: seed, seconds: seconds, hangLimit: hangLimit,
                                mutantFile: mutantFile.map { URL(fileURLWithPath: $0) })
    if json { try printJSON(report) } else {
      print(String(format: "%@: %d mutants in %.0f s (seed %llu): %d accepted and used, %d refused (%d by the checksum), slowest %.3f s",
                   report.format, report.iterations, report.seconds, report.seed, report.accepted, report.refused,
                   report.refusedByChecksum, report.slowest))
    }
  }
}
