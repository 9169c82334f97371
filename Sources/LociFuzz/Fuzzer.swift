import Foundation
import LociCore

/// What a fuzz run did.
public struct FuzzReport: Sendable, Codable {
  public var format: String
  public var seed: UInt64
  public var iterations: Int
  /// Mutants the reader accepted (and every later step then used without fault).
  public var accepted: Int
  /// Mutants refused with a typed error, and of those the ones stopped by the checksum.
  public var refused: Int
  public var refusedByChecksum: Int
  /// The slowest mutant's time, seconds.
  public var slowest: Double
  public var seconds: Double
}

/// Seeded mutation fuzzing of Loci's file formats (`.lfeat`, `.lvoc`, `.lidx`), in process.
/// Every mutant is decoded and, when accepted, used; a trap or an allocation failure ends
/// the process (the caller sees the crash and the saved mutant), and a mutant that takes
/// longer than `hangLimit` seconds aborts the run naming it. Mutant `i` of a run depends
/// only on (`seed`, `i`), so a finding is reproduced with the same seed.
public enum Fuzzer {
  public static func run(_ format: FuzzFormat, seed: UInt64, iterations: Int? = nil, seconds: Double? = nil,
                         hangLimit: Double = 10, mutantFile: URL? = nil) throws -> FuzzReport {
    let target = try FuzzTarget.make(format)
    let watchdog = Watchdog(limit: hangLimit, mutantFile: mutantFile)
    watchdog.start()
    defer { watchdog.stop() }
    var report = FuzzReport(format: format.rawValue, seed: seed, iterations: 0, accepted: 0, refused: 0,
                            refusedByChecksum: 0, slowest: 0, seconds: 0)
    let start = DispatchTime.now().uptimeNanoseconds
    func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    var i = 0
    while iterations.map({ i < $0 }) ?? true, seconds.map({ elapsed() < $0 }) ?? true {
      var mutator = Mutator(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
      mutator.resealShare = target.checksummed ? 0.9 : 0
      let parent = target.seeds[Int(mutator.rng.next() % UInt64(target.seeds.count))]
      let mutant = mutator.mutate(parent)
      if let mutantFile { try Data(mutant).write(to: mutantFile) }
      let t0 = DispatchTime.now().uptimeNanoseconds
      watchdog.begin(i)
      do {
        try target.exercise(mutant)
        report.accepted += 1
      } catch {
        report.refused += 1
        if "\(error)".contains("checksum") { report.refusedByChecksum += 1 }
      }
      watchdog.end()
      report.slowest = Swift.max(report.slowest, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
      i += 1
    }
    report.iterations = i
    report.seconds = elapsed()
    return report
  }
}

/// Aborts the process when one mutant runs longer than the limit (a hang is a finding too).
private final class Watchdog: @unchecked Sendable {
  private let limit: Double
  private let mutantFile: URL?
  private let lock = NSLock()
  private var iteration = -1
  private var since: UInt64 = 0
  private var running = true

  init(limit: Double, mutantFile: URL?) {
    self.limit = limit
    self.mutantFile = mutantFile
  }

  func begin(_ i: Int) { lock.lock(); iteration = i; since = DispatchTime.now().uptimeNanoseconds; lock.unlock() }
  func end() { lock.lock(); iteration = -1; lock.unlock() }
  func stop() { lock.lock(); running = false; lock.unlock() }

  func start() {
    Thread.detachNewThread { [self] in
      while true {
        Thread.sleep(forTimeInterval: 0.5)
        lock.lock()
        let (alive, i, t) = (running, iteration, since)
        lock.unlock()
        guard alive else { return }
        if i >= 0, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9 > limit {
          let saved = mutantFile.map { " (mutant saved at \($0.path))" } ?? ""
          FileHandle.standardError.write(Data("fuzz: mutant \(i) ran longer than \(limit) s\(saved)\n".utf8))
          abort()
        }
      }
    }
  }
}
