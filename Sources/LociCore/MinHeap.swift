/// A binary min-heap over an array (descriptor matching, kd-forest search).
public struct MinHeap<Element> {
  private var items: [Element] = []
  private let less: (Element, Element) -> Bool
  /// A heap ordered by `less` (the smallest element on top).
  public init(by less: @escaping (Element, Element) -> Bool) { self.less = less }
  public mutating func push(_ e: Element) {
    items.append(e)
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard less(items[i], items[parent]) else { break }
      items.swapAt(i, parent)
      i = parent
    }
  }
  public var count: Int { items.count }
  public func peek() -> Element? { items.first }
  public mutating func pop() -> Element? {
    guard !items.isEmpty else { return nil }
    items.swapAt(0, items.count - 1)
    let top = items.removeLast()
    var i = 0
    while true {
      let l = 2 * i + 1, r = l + 1
      var m = i
      if l < items.count && less(items[l], items[m]) { m = l }
      if r < items.count && less(items[r], items[m]) { m = r }
      if m == i { break }
      items.swapAt(i, m)
      i = m
    }
    return top
  }
}

extension MinHeap {
  /// Empties the heap, keeping its storage for reuse.
  public mutating func removeAll() { items.removeAll(keepingCapacity: true) }
}
