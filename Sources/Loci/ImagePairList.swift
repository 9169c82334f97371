import Foundation

/// A list of image pairs in the text form hloc and COLMAP share (`pairs-*.txt`): one pair per
/// line, two image names separated by white space, names relative to an image root. Blank
/// lines and lines starting with `#` are skipped.
public struct ImagePairList: Sendable, Equatable {
  public struct Pair: Sendable, Hashable {
    public var first: String
    public var second: String
    public init(_ first: String, _ second: String) {
      self.first = first
      self.second = second
    }
  }

  public var pairs: [Pair]

  public init(_ pairs: [Pair]) { self.pairs = pairs }

  public struct ParseError: Error, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var reason: String
    public var description: String { "\(path):\(line): \(reason)" }
  }

  /// Reads a pair list; a line with other than two names is an error naming the line (names
  /// with white space cannot be written in this format).
  public static func read(from url: URL) throws -> ImagePairList {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw ParseError(path: url.path, line: 0, reason: "cannot read: \(error.localizedDescription)")
    }
    var pairs: [Pair] = []
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let names = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard names.count == 2 else {
        throw ParseError(path: url.path, line: number + 1, reason: "expected two image names, found \(names.count)")
      }
      pairs.append(Pair(String(names[0]), String(names[1])))
    }
    return ImagePairList(pairs)
  }

  /// The list as text, one `first second` line per pair. Throws for a name holding white
  /// space or a line break, which the format cannot carry.
  public func text() throws -> String {
    var out = ""
    for pair in pairs {
      for name in [pair.first, pair.second] where name.isEmpty || name.contains(where: \.isWhitespace) {
        throw ParseError(path: "", line: 0, reason: "image name '\(name)' is empty or holds white space")
      }
      out += "\(pair.first) \(pair.second)\n"
    }
    return out
  }

  /// Writes the list atomically.
  public func write(to url: URL) throws {
    try Data(text().utf8).write(to: url, options: .atomic)
  }
}
