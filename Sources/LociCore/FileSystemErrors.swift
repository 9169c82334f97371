import Foundation

/// Foundation's file errors describe themselves as "The operation could not be completed.
/// (NSCocoaErrorDomain error 512.)" or a raw `Error Domain=…` dump; the reason a user can act
/// on ("Not a directory", "Permission denied") is in the underlying POSIX error. This returns
/// that reason, with the path it concerns when Foundation names one.
package func fileSystemReason(_ error: Error) -> String {
  let ns = error as NSError
  var reason = ns.localizedDescription
  if let underlyingError = ns.userInfo[NSUnderlyingErrorKey] as? Error {
    let underlying = underlyingError as NSError
    reason = underlying.domain == NSPOSIXErrorDomain
      ? String(cString: strerror(Int32(underlying.code))) : underlying.localizedDescription
  } else if ns.domain == NSPOSIXErrorDomain {
    reason = String(cString: strerror(Int32(ns.code)))
  }
  if let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path {
    return "\(reason) (\(path))"
  }
  return reason
}
