import LociCore

/// One node of a DRVQ dimension tree: a codebook over `width` contiguous dimensions starting
/// at `offset`. Leaves are 1-D; an inner node's codewords are pairs of its children's
/// codewords (a cell of the children's J0 × J1 grid), so a codeword is never stored as a
/// free vector: it is always a concatenation down to the leaves.
struct DRVQNode: Sendable, Equatable {
  var offset: Int
  var width: Int
  /// Codewords, `count × width`, the concatenations the codes spell out (kept expanded so
  /// approximate encoding and the flat codebook need no recursion).
  var codewords: [Float]
  var count: Int { codewords.count / width }

  // Leaf only: the training histogram's bins, for table-lookup encoding.
  var binBase: Float = 0
  var binWidth: Float = 1
  var binLabels: [UInt16] = []

  // Inner only: children (indices in the book's node array), each codeword's grid cell, and
  // the cell → label table the final propagation left (`source[l0 + J0·l1]`).
  var child0 = -1
  var child1 = -1
  var code0: [UInt16] = []
  var code1: [UInt16] = []
  var source: [UInt16] = []

  /// The codeword graph (compressed rows): neighbours of k are
  /// `edgeTarget[edgeStart[k]..<edgeStart[k+1]]` with weights `edgeWeight`. Leaves link k±1
  /// with weight (Δc)²; inner nodes link labels whose fronts met, weight normalised by the
  /// centroids' mean distances (reference `prop.hpp`).
  var edgeStart: [Int32] = [0]
  var edgeTarget: [UInt16] = []
  var edgeWeight: [Float] = []

  var isLeaf: Bool { child0 < 0 }
}

/// A DRVQ vocabulary (Avrithis, ICCV 2013): a tree over the dimensions of each book whose
/// root codewords are the words. Three encoders, as in the reference's `label` tool:
/// `.exact` (nearest word, gathering the children's distance tables up the tree),
/// `.approximate` (exact nearest among the table's cell and its grid neighbours) and `.fast`
/// (table lookups only, no distance computed). `assign` is exact, so a DRVQ vocabulary
/// drops into the index like any flat one.
public struct DRVQVocabulary: CentroidVocabulary {
  public enum Encoder: String, Sendable, CaseIterable { case exact, approximate, fast }

  public let dimension: Int
  /// Per book, its nodes bottom-up (leaves first, root last).
  let books: [[DRVQNode]]
  /// Range-limit of the approximate encoder's neighbour search.
  public let approximateRange: Float

  init(dimension: Int, books: [[DRVQNode]], approximateRange: Float) {
    self.dimension = dimension
    self.books = books
    self.approximateRange = approximateRange
  }

  /// Words per book (the roots' codebook sizes).
  public var wordsPerBook: [Int] { books.map { $0.last!.count } }
  public var count: Int { wordsPerBook.reduce(1, *) }

  /// All words as vectors, `count × dimension` (the codebook `assign` is exact against).
  public var centroids: [Float] {
    var out = [Float](repeating: 0, count: count * dimension)
    for word in 0..<count {
      var rest = word
      for book in books {
        let root = book.last!, label = rest % root.count
        rest /= root.count
        for j in 0..<root.width { out[word * dimension + root.offset + j] = root.codewords[label * root.width + j] }
      }
    }
    return out
  }

  public func assign(_ descriptors: [Float], k: Int) -> Assignment {
    let n = descriptors.count / dimension, kk = Swift.max(1, Swift.min(k, count))
    var words = [UInt32](repeating: 0, count: n * kk), distances = [Float](repeating: .infinity, count: n * kk)
    descriptors.withUnsafeBufferPointer { x in
      words.withUnsafeMutableBufferPointer { ow in
        distances.withUnsafeMutableBufferPointer { od in
          parallelChunks(n, minimumChunk: 16) { range in
            let layouts = books.map { DRVQVocabulary.tableLayout($0) }
            var tables = layouts.map { [Float](repeating: 0, count: $0.total) }
            var best = [(Float, UInt32)](), next = [(Float, UInt32)]()
            for i in range {
              let row = x.baseAddress! + i * dimension
              best = [(0, 0)]
              var stride = 1
              for (b, book) in books.enumerated() {
                let rootTable = DRVQVocabulary.exactTables(book, layouts[b].offsets, row, &tables[b])
                let root = book.last!
                if books.count == 1 && kk == 1 {
                  var arg = rootTable.startIndex
                  for j in rootTable.indices where rootTable[j] < rootTable[arg] { arg = j }
                  best = [(rootTable[arg], UInt32(arg - rootTable.startIndex))]
                  break
                }
                // The k best sums over books are among the products of each book's k best.
                let top = DRVQVocabulary.kSmallest(rootTable, kk)
                next.removeAll(keepingCapacity: true)
                for (d, w) in best { for (d2, l) in top { next.append((d + d2, w + UInt32(stride) * l)) } }
                next.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                best = Array(next.prefix(kk))
                stride *= root.count
              }
              for (j, (d, w)) in best.enumerated() {
                ow[i * kk + j] = w
                od[i * kk + j] = Swift.max(0, d)
              }
            }
          }
        }
      }
    }
    return Assignment(k: kk, words: words, distances: distances)
  }

  /// The nearest word of each descriptor by `encoder` (`.exact` equals `assign(_, k: 1)`).
  public func encode(_ descriptors: [Float], with encoder: Encoder) -> [UInt32] {
    if encoder == .exact { return assign(descriptors, k: 1).words }
    let n = descriptors.count / dimension
    var words = [UInt32](repeating: 0, count: n)
    descriptors.withUnsafeBufferPointer { x in
      words.withUnsafeMutableBufferPointer { out in
        parallelChunks(n, minimumChunk: 64) { range in
          var labels = [UInt16](repeating: 0, count: books.map(\.count).max() ?? 0)
          for i in range {
            let row = x.baseAddress! + i * dimension
            var word = 0, stride = 1
            for book in books {
              let label = encoder == .fast ? DRVQVocabulary.fastLabel(book, row, &labels)
                                           : DRVQVocabulary.approximateLabel(book, row, approximateRange, &labels)
              word += stride * label
              stride *= book.last!.count
            }
            out[i] = UInt32(word)
          }
        }
      }
    }
    return words
  }

  // MARK: Encoders (one descriptor, one book)

  /// Where each node's distance table starts in a book's scratch buffer.
  static func tableLayout(_ book: [DRVQNode]) -> (offsets: [Int], total: Int) {
    var offsets = [Int](), total = 0
    for node in book { offsets.append(total); total += node.count }
    return (offsets, total)
  }

  /// Fills every node's table of squared distances from the descriptor's sub-vector to its
  /// codewords, bottom-up: a leaf computes (x − c)², an inner node adds its children's
  /// entries, `d(k) = d0[code0[k]] + d1[code1[k]]` (exact: squared distance is additive over
  /// disjoint dimensions). Returns the root's table.
  static func exactTables(_ book: [DRVQNode], _ offsets: [Int], _ x: UnsafePointer<Float>,
                          _ tables: inout [Float]) -> ArraySlice<Float> {
    // Nodes are read in place (`book[n].field`), never copied out: a DRVQNode copy retains
    // its ten arrays, which cost more than the arithmetic here.
    tables.withUnsafeMutableBufferPointer { t in
      for n in book.indices {
        let out = t.baseAddress! + offsets[n], count = book[n].codewords.count / book[n].width
        if book[n].child0 < 0 {
          let v = x[book[n].offset]
          book[n].codewords.withUnsafeBufferPointer { c in
            for k in 0..<count { let e = v - c[k]; out[k] = e * e }
          }
        } else {
          let d0 = t.baseAddress! + offsets[book[n].child0], d1 = t.baseAddress! + offsets[book[n].child1]
          book[n].code0.withUnsafeBufferPointer { c0 in
            book[n].code1.withUnsafeBufferPointer { c1 in
              for k in 0..<count { out[k] = d0[Int(c0[k])] + d1[Int(c1[k])] }
            }
          }
        }
      }
    }
    return tables[offsets[book.count - 1]..<(offsets[book.count - 1] + book.last!.count)]
  }

  /// Table lookups only: a leaf's histogram bin, then `source[l0 + J0·l1]` up the tree.
  static func fastLabel(_ book: [DRVQNode], _ x: UnsafePointer<Float>, _ labels: inout [UInt16]) -> Int {
    for n in book.indices {
      if book[n].child0 < 0 {
        labels[n] = book[n].binLabels[leafBin(book[n].binBase, book[n].binWidth, book[n].binLabels.count, x[book[n].offset])]
      } else {
        let j0 = book[book[n].child0].codewords.count / book[book[n].child0].width
        labels[n] = book[n].source[Int(labels[book[n].child0]) + j0 * Int(labels[book[n].child1])]
      }
    }
    return Int(labels[book.count - 1])
  }

  /// As the reference's `quant(X, range)` (`search+/node.hpp`): the children's labels by
  /// table lookup (fast), then at the book's root the candidates are the table's labels of
  /// the children's cell and of the grid cells one child-edge away (edges lighter than
  /// `range`); the nearest candidate by true distance wins. (A first version searched
  /// neighbours at every level: recall@1 0.64 at 10.7k descriptors/s for 4,096 words, slower
  /// than exact; docs/benchmarks.md has both.)
  static func approximateLabel(_ book: [DRVQNode], _ x: UnsafePointer<Float>, _ range: Float,
                               _ labels: inout [UInt16]) -> Int {
    // Every label by table lookup first; then only the root searches its grid neighbourhood
    // (a one-level tree, a lone leaf, has none).
    let fast = fastLabel(book, x, &labels), root = book.count - 1
    guard book[root].child0 >= 0 else { return fast }
    let c0 = book[root].child0, c1 = book[root].child1, width = book[root].width
    let j0 = book[c0].codewords.count / book[c0].width
    let l0 = Int(labels[c0]), l1 = Int(labels[c1])
    return book[root].codewords.withUnsafeBufferPointer { words in
      book[root].source.withUnsafeBufferPointer { source in
        let sub = x + book[root].offset
        var best = Int(source[l0 + j0 * l1])
        var bestDistance = squaredDistance(sub, words.baseAddress! + best * width, count: width)
        @inline(__always) func consider(_ cell: Int) {
          let label = Int(source[cell])
          guard label != best else { return }
          let d = squaredDistance(sub, words.baseAddress! + label * width, count: width)
          if d < bestDistance { best = label; bestDistance = d }
        }
        for e in Int(book[c0].edgeStart[l0])..<Int(book[c0].edgeStart[l0 + 1]) where book[c0].edgeWeight[e] < range {
          consider(Int(book[c0].edgeTarget[e]) + j0 * l1)
        }
        for e in Int(book[c1].edgeStart[l1])..<Int(book[c1].edgeStart[l1 + 1]) where book[c1].edgeWeight[e] < range {
          consider(l0 + j0 * Int(book[c1].edgeTarget[e]))
        }
        return best
      }
    }
  }

  @inline(__always)
  static func leafBin(_ base: Float, _ width: Float, _ bins: Int, _ v: Float) -> Int {
    // Clamped in Float first, so NaN and huge values cannot trap in the Int conversion.
    let b = ((v - base) / width).rounded(.down)
    guard b > 0 else { return 0 }
    return Int(Swift.min(b, Float(bins - 1)))
  }

  /// The k smallest (value, index) of `table`, ascending.
  static func kSmallest(_ table: ArraySlice<Float>, _ k: Int) -> [(Float, UInt32)] {
    var words = [UInt32](repeating: 0, count: k), distances = [Float](repeating: .infinity, count: k)
    let base = table.startIndex
    words.withUnsafeMutableBufferPointer { w in
      distances.withUnsafeMutableBufferPointer { d in
        for i in table.indices { insertIntoKBest(table[i], i - base, w.baseAddress!, d.baseAddress!, k) }
      }
    }
    return zip(distances, words).filter { $0.0.isFinite }.map { ($0.0, $0.1) }
  }
}
