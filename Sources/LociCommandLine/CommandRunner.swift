import ArgumentParser
import CShims
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Detection allocates a dozen image-sized buffers per scale level and frees them at once.
/// glibc's defaults hand blocks above 128 KiB back to the kernel (mmap, heap trimming), so
/// every level paid again for zeroed pages: about a tenth of WaSH's time (docs/benchmarks.md,
/// "WaSH twice as fast"). The executables keep freed memory up to these bounds for the next image;
/// peak resident memory is what the largest image needs either way.
func keepFreedMemoryForReuse() {
  loci_keep_freed_memory(64 << 20, 256 << 20)
}

/// Exit codes of the command-line contract.
public enum ExitStatus: Int32 {
  case success = 0
  /// Some inputs failed; the rest were processed.
  case someInputsFailed = 1
  /// Bad usage or unusable arguments.
  case usage = 2
}

/// Parses and runs a command with the contract's exit codes (ArgumentParser's own
/// validation code, 64, becomes 2), printing errors to stderr only.
public func runMain<Command: ParsableCommand>(_ type: Command.Type) -> Never {
  keepFreedMemoryForReuse()
  do {
    var command = try type.parseAsRoot()
    try command.run()
    exit(ExitStatus.success.rawValue)
  } catch let status as ExitCode {
    exit(status.rawValue)
  } catch {
    let code = type.exitCode(for: error)
    if code == .success {  // --help, --version
      print(type.fullMessage(for: error))
      exit(0)
    }
    printError(type.fullMessage(for: error))
    exit(code == .validationFailure || error is ValidationError ? ExitStatus.usage.rawValue
         : (code.rawValue == 1 ? 1 : ExitStatus.usage.rawValue))
  }
}

public func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints one JSON document on stdout (sorted keys, so output is stable).
public func printJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
public final class ProgressBar: @unchecked Sendable {
  private let label: String
  private let enabled = isatty(STDERR_FILENO) != 0
  private let lock = NSLock()
  private let start = Date()

  public init(label: String) { self.label = label }

  public func update(done: Int, total: Int) {
    guard enabled, total > 0 else { return }
    lock.lock()
    defer { lock.unlock() }
    let width = 30
    let filled = width * done / total
    let elapsed = Date().timeIntervalSince(start)
    let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = String(format: "\r%@ [%@] %d/%d  %.0fs left ", label, bar, done, total, eta)
    FileHandle.standardError.write(Data(line.utf8))
    if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
