import Foundation
import LociGeometry

/// The Oxford affine benchmark layout: one folder per sequence holding `img1 … img6`
/// (any image extension) and `H1to2p … H1to6p` (image-1 pixels to image-N pixels).
public struct OxfordAffineDataset: Sendable {
  public struct Sequence: Sendable {
    public let name: String
    /// Image paths, img1 first.
    public let images: [URL]
    /// `homographies[k]` maps image 1 to `images[k + 1]`.
    public let homographies: [Homography]
  }

  public let root: URL
  public let sequences: [Sequence]

  public enum DatasetError: Error, CustomStringConvertible {
    case notADataset(path: String, reason: String)
    case unknownSequence(String, available: [String])
    public var description: String {
      switch self {
      case let .notADataset(path, reason): return "\(path): not an Oxford affine dataset: \(reason)"
      case let .unknownSequence(name, available):
        return "no sequence '\(name)' (available: \(available.joined(separator: ", ")))"
      }
    }
  }

  /// Reads the folder; sequences are the sub-folders holding `img1.*` and `H1to2p`, sorted
  /// by name. `only` restricts to one sequence.
  public init(root: URL, only: String? = nil) throws {
    self.root = root
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw DatasetError.notADataset(path: root.path, reason: "no such folder")
    }
    let names = (try? fm.contentsOfDirectory(atPath: root.path))?.sorted() ?? []
    var found: [Sequence] = []
    for name in names {
      let folder = root.appendingPathComponent(name)
      guard let files = try? fm.contentsOfDirectory(atPath: folder.path),
            files.contains("H1to2p") else { continue }
      var images: [URL] = []
      for k in 1...6 {
        guard let file = files.filter({ ($0 as NSString).deletingPathExtension == "img\(k)" }).sorted().first else { break }
        images.append(folder.appendingPathComponent(file))
      }
      guard images.count >= 2 else { continue }
      var homographies: [Homography] = []
      for k in 2...images.count {
        homographies.append(try Homography(contentsOf: folder.appendingPathComponent("H1to\(k)p")))
      }
      found.append(Sequence(name: name, images: images, homographies: homographies))
    }
    guard !found.isEmpty else {
      throw DatasetError.notADataset(path: root.path, reason: "no sub-folder holds img1.* and H1to2p")
    }
    if let only {
      guard let match = found.first(where: { $0.name == only }) else {
        throw DatasetError.unknownSequence(only, available: found.map(\.name))
      }
      found = [match]
    }
    sequences = found
  }
}
