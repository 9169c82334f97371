import ArgumentParser
import Foundation

/// Feature files a batch command left out because they could not be read: each is
/// reported on stderr as it is met, listed in the JSON report, and makes the exit code 1
/// once the rest is done. With `--strict` the first one stops the command instead.
public final class SkippedFiles: @unchecked Sendable {
  private let command: String
  private let lock = NSLock()
  private var entries: [[String: String]] = []

  public init(command: String) { self.command = command }

  /// The handler to pass as `skipUnreadable`; nil under `--strict`, so the reader throws.
  public func handler(strict: Bool) -> ((URL, Error) -> Void)? {
    strict ? nil : { [self] url, error in
      let reason = String(describing: error)
      printError("\(command): skipped \(reason.hasPrefix(url.path) ? reason : url.path + ": " + reason)")
      lock.lock()
      entries.append(["path": url.path, "error": reason])
      lock.unlock()
    }
  }

  /// `[{path, error}]` for the JSON report.
  public var list: [[String: String]] { lock.lock(); defer { lock.unlock() }; return entries }

  /// Exit 1 when any file was skipped (call after the report is printed).
  public func exitIfAny() throws {
    if !list.isEmpty { throw ExitCode(ExitStatus.someInputsFailed.rawValue) }
  }
}
