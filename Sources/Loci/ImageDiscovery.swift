import Foundation

/// One image to process and its path relative to the input root (mirrored under --out).
public struct ImageInput: Sendable, Equatable {
  public var url: URL
  public var relativePath: String
}

/// Inputs that cannot be processed as given: two images that would be written to one output.
public enum InputError: Error, CustomStringConvertible, Equatable {
  case collision(first: String, second: String, output: String)
  public var description: String {
    switch self {
    case let .collision(first, second, output):
      return "\(first) and \(second) would both be written as \(output); pass their folders, or run them separately"
    }
  }
}

/// Finds the images named by command-line inputs.
public enum ImageDiscovery {
  /// File extensions taken as images when walking folders (files named explicitly are
  /// always tried, whatever their extension).
  public static let extensions: Set<String> = ["jpg", "jpeg", "jpe", "png", "pgm", "ppm", "pnm", "pbm", "tif",
                                               "tiff", "bmp", "webp"]

  /// An input that yields no image, and why: a missing file or folder, a folder without
  /// images, a dangling symbolic link or a folder that cannot be read. Reported as a
  /// failed input; the other inputs are still processed.
  public struct Problem: Sendable, Equatable {
    public var path: String
    public var reason: String
  }

  /// Files are taken as given (relative path: the file name, or with `relativeTo` their path
  /// under that folder, so that tasks given lists of files from one tree write the tree
  /// `featurize` of the whole folder would). Folders are walked recursively (hidden files
  /// skipped) and sorted; with a single folder input paths are relative to it, with several
  /// each folder's name is kept as the first component so the mirrored trees cannot collide.
  /// Throws only for output collisions (bad usage); inputs that yield nothing are returned as
  /// problems.
  public static func discover(_ inputs: [URL], relativeTo root: URL? = nil) throws -> (images: [ImageInput], problems: [Problem]) {
    let rootPath = root.map { $0.standardizedFileURL.resolvingSymlinksInPath().path + "/" }
    let fm = FileManager.default
    var out: [ImageInput] = [], problems: [Problem] = []
    let folderCount = inputs.filter { isDirectory($0) }.count
    for input in inputs {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: input.path, isDirectory: &isDir) else {
        let dangling = (try? fm.destinationOfSymbolicLink(atPath: input.path)) != nil
        problems.append(Problem(path: input.path, reason: dangling ? "dangling symbolic link" : "no such file or folder"))
        continue
      }
      if !isDir.boolValue {
        var relative = input.lastPathComponent
        if let rootPath {
          let resolved = input.standardizedFileURL.resolvingSymlinksInPath().path
          if resolved.hasPrefix(rootPath) { relative = String(resolved.dropFirst(rootPath.count)) }
        }
        out.append(ImageInput(url: input, relativePath: relative))
        continue
      }
      let root = input.standardizedFileURL.resolvingSymlinksInPath()
      let prefix = folderCount > 1 ? root.lastPathComponent + "/" : ""
      var found: [ImageInput] = []
      var unreadable: [Problem] = []
      let enumerator = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                     options: [.skipsHiddenFiles]) { url, error in
        unreadable.append(Problem(path: url.path, reason: "cannot read folder: \((error as NSError).localizedDescription)"))
        return true
      }
      while let url = enumerator?.nextObject() as? URL {
        // Symbolic links to image files count (a data set of links into a shared store is
        // common); the relative path is the link's own place in the tree.
        guard extensions.contains(url.pathExtension.lowercased()) else { continue }
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isFolder) else {
          problems.append(Problem(path: url.path, reason: "dangling symbolic link"))
          continue
        }
        guard !isFolder.boolValue else { continue }
        let candidates = [url.standardizedFileURL.path, url.standardizedFileURL.resolvingSymlinksInPath().path]
        let relative = candidates.first { $0.hasPrefix(root.path + "/") }.map { String($0.dropFirst(root.path.count + 1)) }
          ?? url.lastPathComponent
        found.append(ImageInput(url: url, relativePath: prefix + relative))
      }
      problems += unreadable
      if found.isEmpty && unreadable.isEmpty {
        problems.append(Problem(path: input.path,
                                reason: "no images found (looked for \(extensions.sorted().joined(separator: ", ")))"))
      }
      out += found.sorted { $0.relativePath < $1.relativePath }
    }
    return (try withoutCollisions(out), problems.sorted { $0.path < $1.path })
  }

  /// The same image named twice is kept once; two different images that would be written
  /// to the same output (two files of one name, two folders of one name) are an error
  /// before any work, where the second used to overwrite or silently skip the first.
  static func withoutCollisions(_ inputs: [ImageInput]) throws -> [ImageInput] {
    var byOutput: [String: URL] = [:]
    var kept: [ImageInput] = []
    for input in inputs {
      let source = input.url.standardizedFileURL.resolvingSymlinksInPath()
      if let earlier = byOutput[input.relativePath] {
        if earlier == source { continue }
        throw InputError.collision(first: earlier.path, second: source.path, output: input.relativePath)
      }
      byOutput[input.relativePath] = source
      kept.append(input)
    }
    return kept
  }

  private static func isDirectory(_ url: URL) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
  }
}
