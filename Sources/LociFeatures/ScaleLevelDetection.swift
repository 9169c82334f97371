import Foundation
import LociCore
import LociImage

/// Detection over scale levels, shared by the single-scale detectors (MFD, WaSH): run a
/// one-level detector on the image and on copies shrunk by `step`, `step²`, … (the first at
/// `first`), map each level's regions back to the input, and rank them all by response,
/// the finer level first on equal responses. The detectors stay single-scale; this makes
/// their output cover the scales their fixed pixel parameters (σ, β, areas) cannot.
enum ScaleLevelDetection {
  /// `threads`: cores the levels may run on (0: all, 1: in turn on the caller's). The levels
  /// are independent, so they run in parallel, largest first, each taken by the next free
  /// worker; the result is the same whatever the count (levels are gathered in order).
  static func detect(in image: GrayImage, levels: Int, first: Double, step: Double, maxFeatures: Int, threads: Int = 1,
                     level detectOneLevel: @Sendable (GrayImage) throws -> [AffineRegion]) throws -> [AffineRegion] {
    let first = Swift.min(Swift.max(first, 0.05), 1)
    let step = Swift.min(Swift.max(step, 0.05), 0.95)
    let pyramid = image.pyramid(levels: Swift.max(levels, 1), first: first, step: step)
    if pyramid.count == 1 && pyramid[0].factor == 1 { return try detectOneLevel(image) }
    let perLevel = try parallelMap(pyramid, threads: threads) { level in
      // The factor actually applied differs from the nominal one by rounding; x decides.
      try detectOneLevel(level.image).map { $0.scaled(by: 1 / level.factor) }
    }
    let all = perLevel.flatMap { $0 }
    let ranked = all.enumerated().sorted { ($0.element.response, -$0.offset) > ($1.element.response, -$1.offset) }
    return ranked.prefix(Swift.max(maxFeatures, 0)).map(\.element)
  }

  /// `transform` of every item, in order, on up to `threads` workers (0: all cores) that
  /// each take the next untaken item; the first error (in item order) is rethrown.
  static func parallelMap<T: Sendable, U: Sendable>(_ items: [T], threads: Int,
                                                    _ transform: @Sendable (T) throws -> U) throws -> [U] {
    let workers = Swift.min(items.count, threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
    if workers <= 1 { return try items.map(transform) }
    var results = [Result<U, Error>?](repeating: nil, count: items.count)
    let next = WorkCounter()
    results.withUnsafeMutableBufferPointer { out in
      nonisolated(unsafe) let out = out  // each index is written by exactly one worker
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let i = next.next(below: items.count) { out[i] = Result { try transform(items[i]) } }
      }
    }
    return try results.map { try $0!.get() }
  }
}
