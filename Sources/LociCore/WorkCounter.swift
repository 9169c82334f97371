import Foundation

/// Hands out 0, 1, 2, … below a limit, each once, to any number of threads: the work queue
/// of workers that each take the next untaken item (featurize's images, a detector's scale
/// levels).
package final class WorkCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  package init() {}

  /// The next untaken index, or nil once all below `limit` are taken.
  package func next(below limit: Int) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard value < limit else { return nil }
    value += 1
    return value - 1
  }
}
