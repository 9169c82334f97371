import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An advisory exclusive lock (`flock(2)`) that serialises writers of one file across
/// processes. It is taken on a sidecar `NAME.lock`, never on the file itself: writes replace
/// the file by `rename(2)`, so a lock on its inode would guard a file that is no longer
/// there, and a second writer would read the old contents and overwrite the first one's
/// update. The sidecar stays after the lock is released (removing it would race with a
/// writer that has just opened it); it is empty.
package enum FileLock {
  /// The sidecar lock file of `url`.
  package static func lockURL(for url: URL) -> URL { URL(fileURLWithPath: url.path + ".lock") }

  /// Runs `body` holding the lock of `url`. When another process holds it, `whileWaiting`
  /// is called once and the call blocks until the lock is free. The lock goes with the
  /// process, so a killed holder never leaves it taken.
  package static func withExclusiveLock<T>(on url: URL, whileWaiting: () -> Void = {}, _ body: () throws -> T) throws -> T {
    let path = lockURL(for: url).path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw AtomicWriteError(path: url.path, reason: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK else {
        throw AtomicWriteError(path: url.path, reason: "cannot lock \(path): \(String(cString: strerror(errno)))")
      }
      whileWaiting()
      while flock(fd, LOCK_EX) != 0 {
        guard errno == EINTR else {
          throw AtomicWriteError(path: url.path, reason: "cannot lock \(path): \(String(cString: strerror(errno)))")
        }
      }
    }
    defer { flock(fd, LOCK_UN) }
    return try body()
  }
}
