import Foundation
import LociCore

/// Why DRVQ training refused its input.
public enum DRVQError: Error, CustomStringConvertible, Equatable, Sendable {
  case noData
  case badShape(dimension: Int, books: Int)
  case badCapacities(expected: Int, got: [Int])
  case tooManyWords(Int)

  public var description: String {
    switch self {
    case .noData: return "DRVQ needs at least one descriptor"
    case let .badShape(d, b): return "DRVQ splits \(d)-D descriptors into \(b) books of 2^n dimensions: \(d) ÷ \(b) is not a power of two"
    case let .badCapacities(n, got): return "DRVQ needs \(n) capacities (one per tree level, 1-D first), got \(got)"
    case let .tooManyWords(n): return "DRVQ would give \(n) words; a vocabulary holds at most 2^24 (lower the top capacity or the books)"
    }
  }
}

/// Dimensionality-recursive training (ICCV 2013 §3–4; reference `train+/leaf.hpp`,
/// `node.hpp`): each dimension is clustered alone on a 1-D histogram; each node then
/// clusters the J0 × J1 grid of its two children's labels, weighted by cell populations, so
/// above the leaves the data are never touched again and the cost depends on the grid, not on N.
public enum DRVQ {
  public static func train(_ data: [Float], dimension: Int, options: DRVQOptions,
                           progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> DRVQVocabulary {
    let n = data.count / Swift.max(dimension, 1)
    guard n > 0, dimension > 0 else { throw DRVQError.noData }
    guard let levels = DRVQOptions.levelCount(dimension: dimension, books: options.books) else {
      throw DRVQError.badShape(dimension: dimension, books: options.books)
    }
    guard options.capacities.count == levels, options.capacities.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
      throw DRVQError.badCapacities(expected: levels, got: options.capacities)
    }
    let total = pow(Double(options.capacities.last!), Double(options.books))
    guard total <= Double(1 << 24) else { throw DRVQError.tooManyWords(Int(Swift.min(total, 1e18))) }

    let width = dimension / options.books
    let nodesPerBook = 2 * width - 1
    var done = 0
    let lock = NSLock()
    var books = [[DRVQNode]]()
    for b in 0..<options.books {
      // Level by level: the nodes of one level are independent, so they train in parallel.
      var level: [(node: DRVQNode, labels: [UInt16])] = []
      var book = [DRVQNode]()
      for l in 0..<levels {
        let span = 1 << l, count = width / span
        var next = [(node: DRVQNode, labels: [UInt16])?](repeating: nil, count: count)
        let previous = level, childBase = book.count - previous.count
        next.withUnsafeMutableBufferPointer { out in
          DispatchQueue.concurrentPerform(iterations: count) { i in
            let offset = b * width + i * span
            var rng = SplitMix64(seed: options.seed &+ UInt64(offset &* 7919 &+ l &* 104729 &+ 1))
            if l == 0 {
              out[i] = trainLeaf(data, dimension: dimension, at: offset, capacity: options.capacities[0],
                                 options: options, rng: &rng)
            } else {
              let (left, right) = (previous[2 * i], previous[2 * i + 1])
              var trained = trainNode(left: left, right: right, offset: offset, capacity: options.capacities[l],
                                      options: options, rng: &rng)
              trained.node.child0 = childBase + 2 * i
              trained.node.child1 = childBase + 2 * i + 1
              out[i] = trained
            }
            lock.lock(); done += 1; let d = done; lock.unlock()
            progress?(d, nodesPerBook * options.books)
          }
        }
        level = next.map { $0! }
        book += level.map(\.node)
      }
      books.append(book)
    }
    return DRVQVocabulary(dimension: dimension, books: books, approximateRange: options.approximateRange)
  }
}
