import Foundation

/// Runs `body` over `0..<count` split into contiguous ranges on all cores: at most four
/// ranges per core and none shorter than `minimumChunk`, so per-task overhead stays small
/// and each range can keep its own scratch state. Ranges partition `0..<count` in order.
package func parallelChunks(_ count: Int, minimumChunk: Int = 64, _ body: (Range<Int>) -> Void) {
  guard count > 0 else { return }
  let chunks = Swift.max(1, Swift.min(count / Swift.max(1, minimumChunk), 4 * ProcessInfo.processInfo.activeProcessorCount))
  if chunks == 1 { return body(0..<count) }
  DispatchQueue.concurrentPerform(iterations: chunks) { c in body((count * c / chunks)..<(count * (c + 1) / chunks)) }
}
