import Foundation

/// Folders of `.lfeat` files as `featurize` writes them: what vocabulary training and
/// indexing read.
public enum FeatureFolder {
  public enum FolderError: Error, CustomStringConvertible {
    case noFeatureFiles(path: String)
    case noDescriptors(path: String)
    case dimensionMismatch(path: String, expected: Int, found: Int)
    case detectorMismatch(path: String, expected: String, found: String)
    case settingsMismatch(path: String, expected: String, found: String)
    public var description: String {
      switch self {
      case let .noFeatureFiles(path): return "\(path): no .lfeat files found (run featurize first)"
      case let .noDescriptors(path): return "\(path): the features have no descriptors (featurize with --descriptor rootsift)"
      case let .dimensionMismatch(path, expected, found): return "\(path): descriptor dimension \(found), expected \(expected)"
      case let .detectorMismatch(path, expected, found):
        return "\(path): features of detector '\(found)', but this index holds '\(expected)' features "
          + "(featurize with --detector \(expected), or index them separately)"
      case let .settingsMismatch(path, expected, found):
        return "\(path): features made with other settings (\(found)) than this index's (\(expected)); "
          + "featurize with the same --detector-option and --max-features, or index them separately"
      }
    }
  }

  /// The feature file `featurize` wrote under `root` for the image named `name` (its path
  /// relative to featurize's input root, as pair lists name images): `root/name.lfeat`.
  public static func featureFile(forImage name: String, in root: URL) -> URL {
    root.appendingPathComponent(name + "." + FeatureFileFormat.lfeat.fileExtension)
  }

  /// Every `.lfeat` file under the folders (recursively), sorted by path; a folder without
  /// any is an error.
  public static func files(in folders: [URL]) throws -> [URL] {
    var files: [URL] = []
    for folder in folders {
      let all = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
      var found = false
      while let url = all?.nextObject() as? URL {
        guard url.pathExtension == FeatureFileFormat.lfeat.fileExtension else { continue }
        files.append(url)
        found = true
      }
      if !found { throw FolderError.noFeatureFiles(path: folder.path) }
    }
    return files.sorted { $0.path < $1.path }
  }
}
