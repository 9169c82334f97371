import Foundation

enum DispatchQueueHelper {
  /// `body(i)` for i in 0..<count on all cores, in chunks (no per-index task overhead).
  static func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    let chunks = Swift.max(1, Swift.min(count / 64, 4 * ProcessInfo.processInfo.activeProcessorCount))
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      for i in (count * c / chunks)..<(count * (c + 1) / chunks) { body(i) }
    }
  }
}
