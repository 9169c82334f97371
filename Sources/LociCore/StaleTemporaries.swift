import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Clean-up of the `NAME.tmp-PID` files `writeAtomically` leaves when its process is killed
/// between creating and renaming one. A file is removed only when no process with its PID
/// is running (`kill(pid, 0)` answers ESRCH), so a write in progress is never touched. A
/// reused PID keeps a stale file a little longer, which is harmless. (Writers on other
/// machines sharing the folder are not visible here: their PIDs are another host's.)
package enum StaleTemporaries {
  /// The PID in a temporary file's name, when it is one.
  static func writerPID(of name: String) -> pid_t? {
    guard let range = name.range(of: ".tmp-", options: .backwards) else { return nil }
    let digits = name[range.upperBound...]
    guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let pid = pid_t(digits), pid > 0 else { return nil }
    return pid
  }

  static func isStale(_ name: String) -> Bool {
    guard let pid = writerPID(of: name), pid != getpid() else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  /// Removes stale temporaries of `url` (siblings named `url`'s name + `.tmp-PID`); returns
  /// how many.
  @discardableResult
  package static func removeSiblings(of url: URL) -> Int {
    let folder = url.deletingLastPathComponent(), prefix = url.lastPathComponent + ".tmp-"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var removed = 0
    for name in names where name.hasPrefix(prefix) && isStale(name) {
      if unlink(folder.appendingPathComponent(name).path) == 0 { removed += 1 }
    }
    return removed
  }

  /// Removes stale temporaries anywhere under `folder` (one walk); returns how many.
  @discardableResult
  package static func removeAll(under folder: URL) -> Int {
    guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return 0 }
    var removed = 0
    while let relative = walker.nextObject() as? String {
      if relative.contains(".tmp-"), isStale((relative as NSString).lastPathComponent),
         unlink(folder.appendingPathComponent(relative).path) == 0 {
        removed += 1
      }
    }
    return removed
  }
}
