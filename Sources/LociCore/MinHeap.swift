/// A binary min-heap over an array (descriptor matching, kd-forest search). Inlinable so
/// that each user gets a specialised copy: the kd-forest search pops it in its inner loop.
package struct MinHeap<Element> {
  @usableFromInline var items: [Element] = []
  @usableFromInline let less: (Element, Element) -> Bool
  /// A heap ordered by `less` (the smallest element on top).
  @inlinable package init(by less: @escaping (Element, Element) -> Bool) { self.less = less }
  @inlinable package mutating func push(_ e: Element) {
    items.append(e)
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard less(items[i], items[parent]) else { break }
      items.swapAt(i, parent)
      i = parent
    }
  }
  @inlinable package var count: Int { items.count }
  @inlinable package func peek() -> Element? { items.first }
  @inlinable package mutating func pop() -> Element? {
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
  @inlinable package mutating func removeAll() { items.removeAll(keepingCapacity: true) }
}
