import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A write that did not reach its final name; the previous file (if any) is untouched.
package struct AtomicWriteError: Error, CustomStringConvertible, Sendable {
  package let path: String
  package let reason: String
  package var description: String { "\(path): cannot write: \(reason)" }
}

/// Writes `data` to `NAME.tmp-PID` beside `url`, flushes it to disk, then `rename(2)`s it
/// over the final name. A crash, a kill or a full disk therefore leaves either the old file
/// or the new one, never a torn one; the temporary file is removed on failure.
package func writeAtomically(_ data: Data, to url: URL) throws {
  let finalPath = url.path
  let temporaryPath = finalPath + ".tmp-\(getpid())"
  func failure(_ what: String) -> AtomicWriteError {
    AtomicWriteError(path: finalPath, reason: "\(what): \(String(cString: strerror(errno)))")
  }
  let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else { throw failure("cannot create \(temporaryPath)") }
  var written = 0
  let ok: Bool = data.withUnsafeBytes { raw in
    while written < raw.count {
      let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
      if n < 0 {
        if errno == EINTR { continue }
        return false
      }
      written += n
    }
    return true
  }
  if !ok || fsync(fd) != 0 {
    let error = failure(ok ? "fsync failed" : "write failed")
    close(fd)
    unlink(temporaryPath)
    throw error
  }
  guard close(fd) == 0 else {
    let error = failure("close failed")
    unlink(temporaryPath)
    throw error
  }
  guard rename(temporaryPath, finalPath) == 0 else {
    let error = failure("rename failed")
    unlink(temporaryPath)
    throw error
  }
}

@inline(__always) private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
  #else
    return Darwin.write(fd, buffer, count)
  #endif
}
