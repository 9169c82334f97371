import LociCore

/// A DRVQ tree that is not self-consistent (caught on read, so encoders never index out of
/// range on a corrupt file).
struct DRVQFormatError: Error { let reason: String }

/// The tree section of a `.lvoc` file (little-endian): approximate range Float32, books
/// UInt32, then per book its node count UInt32 and per node (bottom-up): offset, width,
/// count UInt32; count × width Float32 codewords; kind UInt8 (0 leaf, 1 inner); a leaf's bin
/// base and width Float32, bin count UInt32 and bin labels UInt16; an inner node's two child
/// indices UInt32, count × 2 codes UInt16 and J0·J1 cell labels UInt16; then the graph: edge
/// count UInt32, count + 1 row starts UInt32, targets UInt16, weights Float32.
extension DRVQVocabulary {
  func encode(into w: inout BinaryWriter) {
    w.write(approximateRange)
    w.write(UInt32(books.count))
    for book in books {
      w.write(UInt32(book.count))
      for node in book {
        w.write(UInt32(node.offset)); w.write(UInt32(node.width)); w.write(UInt32(node.count))
        w.write(floats: node.codewords)
        if node.isLeaf {
          w.write(UInt8(0))
          w.write(node.binBase); w.write(node.binWidth)
          w.write(UInt32(node.binLabels.count)); w.write(uint16s: node.binLabels)
        } else {
          w.write(UInt8(1))
          w.write(UInt32(node.child0)); w.write(UInt32(node.child1))
          w.write(uint16s: node.code0); w.write(uint16s: node.code1); w.write(uint16s: node.source)
        }
        w.write(UInt32(node.edgeTarget.count))
        for s in node.edgeStart { w.write(UInt32(s)) }
        w.write(uint16s: node.edgeTarget)
        w.write(floats: node.edgeWeight)
      }
    }
  }

  static func decode(from r: inout BinaryReader, dimension: Int) throws -> DRVQVocabulary {
    func check(_ ok: Bool, _ reason: @autoclosure () -> String) throws {
      if !ok { throw DRVQFormatError(reason: reason()) }
    }
    let range = try r.readFloat()
    try check(range.isFinite && range >= 0, "DRVQ range \(range)")
    let bookCount = Int(try r.readUInt32())
    try check(bookCount >= 1 && bookCount <= dimension, "\(bookCount) DRVQ books for dimension \(dimension)")
    var books = [[DRVQNode]]()
    var covered = 0
    for _ in 0..<bookCount {
      let nodeCount = Int(try r.readUInt32())
      try check(nodeCount >= 1 && nodeCount <= 2 * dimension, "\(nodeCount) nodes in a DRVQ book")
      var book = [DRVQNode]()
      for index in 0..<nodeCount {
        let offset = Int(try r.readUInt32()), width = Int(try r.readUInt32()), count = Int(try r.readUInt32())
        try check(width >= 1 && offset + width <= dimension && count >= 1 && count <= 1 << 16,
                  "node \(index): \(count) codewords over dimensions \(offset)..<\(offset + width)")
        try check(count * width * 4 <= r.remaining, "node \(index) is larger than the file")
        var node = DRVQNode(offset: offset, width: width, codewords: try r.readFloats(count * width))
        try check(node.codewords.allSatisfy { $0.isFinite && abs($0) <= 1e6 }, "node \(index) has a non-finite or absurd codeword")
        let kind = try r.readUInt8()
        if kind == 0 {
          try check(width == 1, "leaf \(index) spans \(width) dimensions")
          node.binBase = try r.readFloat(); node.binWidth = try r.readFloat()
          let bins = Int(try r.readUInt32())
          try check(bins >= 1 && bins * 2 <= r.remaining && node.binWidth > 0 && node.binWidth.isFinite && node.binBase.isFinite,
                    "leaf \(index): \(bins) bins of width \(node.binWidth)")
          node.binLabels = try r.readUInt16s(bins)
          try check(node.binLabels.allSatisfy { Int($0) < count }, "leaf \(index) labels a bin past its codebook")
        } else {
          try check(kind == 1, "node \(index) has kind \(kind)")
          node.child0 = Int(try r.readUInt32()); node.child1 = Int(try r.readUInt32())
          try check(node.child0 < index && node.child1 < index, "node \(index) has a child after it")
          let left = book[node.child0], right = book[node.child1]
          try check(left.offset == offset && right.offset == offset + left.width && left.width + right.width == width,
                    "node \(index) does not split into its children")
          try check(count * 4 + left.count * right.count * 2 <= r.remaining, "node \(index) is larger than the file")
          node.code0 = try r.readUInt16s(count); node.code1 = try r.readUInt16s(count)
          node.source = try r.readUInt16s(left.count * right.count)
          try check(node.code0.allSatisfy { Int($0) < left.count } && node.code1.allSatisfy { Int($0) < right.count }
                      && node.source.allSatisfy { Int($0) < count }, "node \(index) has a code out of range")
        }
        let edges = Int(try r.readUInt32())
        try check(edges <= count * count && (count + 1) * 4 + edges * 6 <= r.remaining, "node \(index): \(edges) edges")
        let starts = try (0...count).map { _ in try r.readUInt32() }
        try check(starts.allSatisfy { $0 <= UInt32(edges) }, "node \(index) has an edge start past its edges")
        node.edgeStart = starts.map { Int32($0) }
        node.edgeTarget = try r.readUInt16s(edges)
        node.edgeWeight = try r.readFloats(edges)
        try check(node.edgeWeight.allSatisfy(\.isFinite), "node \(index) has a non-finite edge weight")
        try check(node.edgeStart.first == 0 && node.edgeStart.last == Int32(edges)
                    && zip(node.edgeStart, node.edgeStart.dropFirst()).allSatisfy { $0 <= $1 }
                    && node.edgeTarget.allSatisfy { Int($0) < count }, "node \(index) has a malformed graph")
        book.append(node)
      }
      let root = book.last!
      try check(root.offset == covered, "DRVQ book roots do not tile the descriptor")
      covered += root.width
      books.append(book)
    }
    try check(covered == dimension, "DRVQ books cover \(covered) of \(dimension) dimensions")
    return DRVQVocabulary(dimension: dimension, books: books, approximateRange: range)
  }
}
