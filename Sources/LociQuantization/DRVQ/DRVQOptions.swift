import Foundation

/// Options of DRVQ training (Avrithis, "Quantize and Conquer: A Dimensionality-Recursive
/// Solution to Clustering, Vector Quantization, and Image Retrieval", ICCV 2013). Defaults follow the reference implementation `iavr/drvq`
/// (`options/train.hpp`) except where a comment says otherwise.
public struct DRVQOptions: Sendable, Equatable {
  /// Number of contiguous sub-vectors ("books"), each with its own dimension tree. A word is
  /// the tuple of the books' labels, l = Σ_c l_c·Π_{c'<c} K_{c'}. The reference default is 4
  /// books (an "arbitrarily fine" 2⁴⁴-cell partition); Loci's default is 1 book, because here a
  /// word must index a posting list (the number of words is limited to 2²⁴).
  public var books = 1
  /// Centroids per tree level, from the 1-D leaves up to a book's full sub-vector: entry l
  /// is the codebook size of the nodes spanning 2^l dimensions. Must have log₂(dimension ÷
  /// books) + 1 entries; an entry larger than the populated grid cells is lowered to it.
  public var capacities: [Int]
  /// Histogram bins per leaf centroid (R = 64 in the reference): 1-D k-means runs on
  /// K·R bins instead of the data.
  public var binsPerCentroid = 64
  /// Convergence: stop a node after iteration `it` once fewer than θ·(0.01·it)² of its
  /// populated cells changed label (θ = 5, reference). At it = 45 this bound passes 100 %.
  public var theta = 5.0
  /// Hard cap on iterations per tree node (the θ rule ends by about 45).
  public var maxIterations = 50
  /// Propagation follows a child's graph edge only when its weight is below `range`
  /// (normalised distance; 0.35 in the reference for training).
  public var range: Float = 0.35
  /// Approximate encoding searches the neighbouring cells whose child edges weigh below this
  /// (0.45 in the reference's `label` tool).
  public var approximateRange: Float = 0.45
  public var seed: UInt64 = 1

  /// `words` words for `dimension`-D descriptors in one book: the top level holds `words`
  /// centroids; level l below it min(words, 16·2^l) (32 at the leaves for RootSIFT-like data
  /// gives 2^(4..10) below the root, the reference's spacing of doubling per level).
  public init(words: Int, dimension: Int, books: Int = 1) {
    self.books = books
    let levels = DRVQOptions.levelCount(dimension: dimension, books: books) ?? 1
    let perBook = books == 1 ? words : Int(pow(Double(words), 1 / Double(books)).rounded())
    capacities = (0..<levels).map { l in l == levels - 1 ? perBook : Swift.min(perBook, 16 << l) }
  }

  public init(books: Int, capacities: [Int]) {
    self.books = books
    self.capacities = capacities
  }

  /// log₂(dimension ÷ books) + 1 when dimension ÷ books is a power of two, else nil.
  public static func levelCount(dimension: Int, books: Int) -> Int? {
    guard books >= 1, dimension % books == 0 else { return nil }
    let width = dimension / books
    guard width >= 1, width & (width - 1) == 0 else { return nil }
    return width.trailingZeroBitCount + 1
  }
}
