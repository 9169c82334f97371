import ArgumentParser
import CShims
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Detection allocates a dozen image-sized buffers per scale level and frees them at once.
/// glibc's defaults hand blocks above 128 KiB back to the kernel (mmap, heap trimming), so
/// every level paid again for zeroed pages: about a tenth of WaSH's time (`loci-bench
/// detectors`, with and without this setting). The executables keep freed memory up to these bounds for the next image;
/// peak resident memory is what the largest image needs either way.
func keepFreedMemoryForReuse() {
  loci_keep_freed_memory(64 << 20, 256 << 20)
}

/// Exit codes of the command-line contract, the same in every command:
/// 0 success; 1 some inputs of a batch failed (images, queries; the rest were processed) or
/// an output could not be written; 2 bad usage or an unusable argument the command cannot
/// run without (a missing or corrupt index, vocabulary, ground truth, dataset, or the one
/// or two inputs of `verify`, `vocab info` and `mfd-stages`).
public enum ExitStatus: Int32 {
  case success = 0
  /// Some inputs failed; the rest were processed.
  case someInputsFailed = 1
  /// Bad usage or unusable arguments.
  case usage = 2
}

/// What a run has said on stderr and whether it printed its JSON document, so that a
/// failing run with `--json` still prints exactly one document (with the error).
private final class RunDiagnostics: @unchecked Sendable {
  private let lock = NSLock()
  private var errors: [String] = []
  private var printedJSON = false

  func recordError(_ message: String) { lock.lock(); errors.append(message); lock.unlock() }
  func recordJSON() { lock.lock(); printedJSON = true; lock.unlock() }
  var state: (errors: [String], printedJSON: Bool) { lock.lock(); defer { lock.unlock() }; return (errors, printedJSON) }
}

private let diagnostics = RunDiagnostics()

/// The JSON document of a run that ends in an error before printing its own: `error` holds
/// the messages printed on stderr, `exit_code` the status.
private struct ErrorDocument: Encodable {
  var error: String
  var exit_code: Int32
}

/// Parses and runs a command with the contract's exit codes (ArgumentParser's own
/// validation code, 64, becomes 2), printing errors to stderr. With `--json` among the
/// arguments, every exit prints exactly one JSON document on stdout: the command's own, or
/// `{"error": …, "exit_code": …}` when it stopped before printing it (usage errors included).
public func runMain<Command: ParsableCommand>(_ type: Command.Type) -> Never {
  keepFreedMemoryForReuse()
  let wantsJSON = CommandLine.arguments.dropFirst().contains("--json")
  func finish(_ code: Int32, usageMessage: String? = nil) -> Never {
    let (errors, printedJSON) = diagnostics.state
    if code != 0, wantsJSON, !printedJSON {
      let message = usageMessage ?? (errors.isEmpty ? "failed with exit code \(code)" : errors.joined(separator: "\n"))
      try? printJSON(ErrorDocument(error: message, exit_code: code))
    }
    exit(code)
  }
  do {
    var command = try type.parseAsRoot(joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst())))
    try command.run()
    finish(ExitStatus.success.rawValue)
  } catch let status as ExitCode {
    finish(status.rawValue)
  } catch {
    let code = type.exitCode(for: error)
    if code == .success {  // --help, --version
      print(type.fullMessage(for: error))
      exit(0)
    }
    let message = type.fullMessage(for: error)
    FileHandle.standardError.write(Data((message + "\n").utf8))
    finish(code == .validationFailure || error is ValidationError ? ExitStatus.usage.rawValue
           : (code.rawValue == 1 ? 1 : ExitStatus.usage.rawValue), usageMessage: message)
  }
}

/// ArgumentParser reads `--jobs -1` as the option `--jobs` without a value followed by
/// the short option `-1`, and reports "Missing value", which hides the real mistake. A
/// negative number right after a long option is joined to it (`--jobs=-1`), so the option's
/// own validation answers ("--jobs must be at least 1"). No Loci command takes a negative
/// number as a positional argument.
func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
  var out: [String] = []
  for argument in arguments {
    if let last = out.last, last.hasPrefix("--"), !last.contains("="), argument.hasPrefix("-"),
       Double(argument) != nil {
      out[out.count - 1] = last + "=" + argument
    } else {
      out.append(argument)
    }
  }
  return out
}

/// An error or failure message on stderr; with `--json` it is also the `error` of the
/// closing document when the command fails before printing its own.
public func printError(_ message: String) {
  diagnostics.recordError(message)
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A progress or status note on stderr (not an error).
public func printNote(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints one JSON document on stdout (sorted keys, so output is stable).
public func printJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
  diagnostics.recordJSON()
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
