import LociCore
import LociKernels

/// One row of the distance transform's state (`PropagationState`) seen through pointers:
/// per pixel the distance and the source's x, y and height. The passes work a row at a time
/// because offers from another row do not depend on each other, so `offer(from:…)` handles
/// four pixels at once (SSE square roots, compares and selects), while offers along the row
/// depend on the pixel just improved, so `sweep` is scalar. Internal to the distance
/// transform. The offers between rows run in `SourceRowKernel`, built twice (SSE and AVX2).
struct SourceRow {
  let distance: UnsafeMutablePointer<Float>
  let sourceX: UnsafeMutablePointer<Float>
  let sourceY: UnsafeMutablePointer<Float>
  let sourceHeight: UnsafeMutablePointer<Float>

  /// The row starting at pixel `base` of full-image buffers.
  init(_ d: UnsafeMutableBufferPointer<Float>, _ sx: UnsafeMutableBufferPointer<Float>,
       _ sy: UnsafeMutableBufferPointer<Float>, _ sh: UnsafeMutableBufferPointer<Float>, at base: Int) {
    distance = d.baseAddress! + base
    sourceX = sx.baseAddress! + base
    sourceY = sy.baseAddress! + base
    sourceHeight = sh.baseAddress! + base
  }

  init(distance: UnsafeMutablePointer<Float>, sourceX: UnsafeMutablePointer<Float>,
       sourceY: UnsafeMutablePointer<Float>, sourceHeight: UnsafeMutablePointer<Float>) {
    self.distance = distance
    self.sourceX = sourceX
    self.sourceY = sourceY
    self.sourceHeight = sourceHeight
  }

  /// Offers each pixel x of this row (`width` pixels at height `y`) the source held by pixel
  /// x + `offset` of `neighbour`, another row, where that column exists; a strictly smaller
  /// candidate ‖(x, y) − s‖ + h(s) replaces the pixel's distance and source. `columns` holds
  /// 0, 1, 2, … as Floats.
  func offer(from neighbour: SourceRow, offset: Int, width: Int, y: Float, columns: UnsafePointer<Float>) {
    let first = Swift.max(0, -offset), end = Swift.min(width, width - offset)
    guard first < end else { return }  // a row narrower than the offset
    let qx = UnsafePointer(neighbour.sourceX + offset), qy = UnsafePointer(neighbour.sourceY + offset)
    let qh = UnsafePointer(neighbour.sourceHeight + offset)
    var start = first
    #if arch(x86_64)
      if CPUFeatures.hasAVX2AndFMA {
        // Eight pixels at a time; the portable kernel finishes the last few.
        start = loci_source_row_offer_avx2(distance, sourceX, sourceY, sourceHeight, qx, qy, qh, first, end, y, columns)
      }
    #endif
    SourceRowKernel.offer(distance: distance, sourceX: sourceX, sourceY: sourceY, sourceHeight: sourceHeight,
                          fromX: qx, fromY: qy, fromHeight: qh, first: start, end: end, y: y, columns: columns)
  }

  /// Offers each pixel the source its neighbour along the row holds by then, visiting the
  /// row from left to right (the left neighbour offers) or from right to left.
  func sweep(leftToRight: Bool, width: Int, y: Float, columns: UnsafePointer<Float>) {
    guard width > 1 else { return }
    let b = distance, bx = sourceX, by = sourceY, bh = sourceHeight
    @inline(__always) func offer(_ x: Int, from q: Int) {
      SourceRowKernel.offerOne(x, column: columns[x], y: y, sourceX: bx[q], sourceY: by[q], sourceHeight: bh[q], b, bx, by, bh)
    }
    if leftToRight {
      for x in 1..<width { offer(x, from: x - 1) }
    } else {
      for x in stride(from: width - 2, through: 0, by: -1) { offer(x, from: x + 1) }
    }
  }
}

extension SourceRow {
  /// `sweep`, skipping the offers that cannot change anything: only a pixel flagged in
  /// `changed` (1: its source changed since the row was last swept both ways) offers its
  /// source, and every pixel that takes one is flagged in turn. The result is `sweep`'s bit
  /// for bit, provided the row was swept both ways before the flagged changes: an unflagged
  /// neighbour's source was offered then, and a distance only falls, so a strict `<` rejects
  /// it again.
  func sweepChanged(leftToRight: Bool, width: Int, y: Float, columns: UnsafePointer<Float>,
                    changed: UnsafeMutablePointer<UInt8>) {
    guard width > 1 else { return }
    let b = distance, bx = sourceX, by = sourceY, bh = sourceHeight
    @inline(__always) func offer(_ x: Int, from q: Int) {
      guard changed[q] != 0 else { return }
      if SourceRowKernel.offerOne(x, column: columns[x], y: y, sourceX: bx[q], sourceY: by[q], sourceHeight: bh[q],
                                  b, bx, by, bh) {
        changed[x] = 1
      }
    }
    if leftToRight {
      for x in 1..<width { offer(x, from: x - 1) }
    } else {
      for x in stride(from: width - 2, through: 0, by: -1) { offer(x, from: x + 1) }
    }
  }
}

/// A row-sized scratch copy of the state, for passes that must list the pixels they improve
/// (the polish, and the backward pass's offers to the row below): copy a row in, improve the
/// copy, then `store` writes back and lists what fell.
final class SourceRowBuffer {
  let width: Int
  /// The copy, as a `SourceRow`.
  let row: SourceRow
  /// 0, 1, 2, …: each column's x as a Float, so the loops convert nothing.
  let columns: UnsafeMutablePointer<Float>
  private let storage: UnsafeMutablePointer<Float>

  init(width: Int) {
    self.width = width
    storage = .allocate(capacity: 5 * Swift.max(width, 1))
    storage.initialize(repeating: 0, count: 5 * Swift.max(width, 1))
    row = SourceRow(distance: storage, sourceX: storage + width, sourceY: storage + 2 * width,
                    sourceHeight: storage + 3 * width)
    columns = storage + 4 * width
    for x in 0..<width { columns[x] = Float(x) }
  }

  deinit { storage.deallocate() }

  /// Starts the copy from `original`.
  func load(_ original: SourceRow) {
    row.distance.update(from: original.distance, count: width)
    row.sourceX.update(from: original.sourceX, count: width)
    row.sourceY.update(from: original.sourceY, count: width)
    row.sourceHeight.update(from: original.sourceHeight, count: width)
  }

  /// Writes back into `original` (the row starting at pixel `base`) the pixels whose
  /// distance fell, appending their indices to `changed`.
  func store(to original: SourceRow, base: Int, changed: inout [Int32]) {
    for x in 0..<width where row.distance[x] < original.distance[x] {
      original.distance[x] = row.distance[x]
      original.sourceX[x] = row.sourceX[x]
      original.sourceY[x] = row.sourceY[x]
      original.sourceHeight[x] = row.sourceHeight[x]
      changed.append(Int32(base + x))
    }
  }
}
