import Foundation
import LociCore

/// A failed image and why.
public struct FeaturizeFailure: Sendable, Codable, Equatable {
  public var path: String
  public var error: String

  public init(path: String, error: String) {
    self.path = path
    self.error = error
  }
}

/// What a `featurize` run did; the `--json` document.
public struct FeaturizeSummary: Sendable, Codable {
  /// Images found in the inputs.
  public var images: Int
  /// Images whose features were written in this run, and those skipped because a valid
  /// output already existed (resume).
  public var processed: Int
  public var skipped: Int
  /// Features in all valid outputs (written or skipped).
  public var features: Int
  public var seconds: Double
  public var failed: [FeaturizeFailure]
}

/// The `featurize` job: extracts features for every input image, in parallel, into a tree
/// that mirrors the inputs. Resumable (valid outputs are skipped), atomic per file, and it
/// carries on past bad images, reporting each.
public struct FeaturizeJob: Sendable {
  public var extractor: FeatureExtractor
  public var outputRoot: URL
  public var format: FeatureFileFormat = .lfeat
  /// Recompute even when a valid output exists.
  public var overwrite = false
  /// Worker threads: images in flight at once, each on one core (so `jobs = 1` uses one
  /// core; the descriptor's own parallelism is turned off inside the job).
  public var jobs = ProcessInfo.processInfo.activeProcessorCount
  /// Images whose header declares more pixels are failed inputs, refused before decoding
  /// (0: no limit but OpenCV's 2³⁰ pixels).
  public var maxPixels = GrayImage.defaultMaxPixels
  /// When set, a PNG with the regions drawn is written per image under this folder.
  public var drawRoot: URL?

  public init(extractor: FeatureExtractor, outputRoot: URL) {
    self.extractor = extractor
    self.outputRoot = outputRoot
  }

  /// Where the features of `input` go.
  public func outputURL(for input: ImageInput) -> URL {
    outputRoot.appendingPathComponent(input.relativePath + "." + format.fileExtension)
  }

  /// Runs over `inputs`; `progress(done, total)` is called after each image (any thread).
  /// Temporary files of killed earlier runs (`NAME.tmp-PID` whose process is gone) under
  /// the output and drawing folders are removed first.
  public func run(_ inputs: [ImageInput], progress: (@Sendable (Int, Int) -> Void)? = nil) -> FeaturizeSummary {
    let start = Date()
    StaleTemporaries.removeAll(under: outputRoot)
    if let drawRoot { StaleTemporaries.removeAll(under: drawRoot) }
    let state = JobState()
    let total = inputs.count
    let workers = Swift.max(1, Swift.min(jobs, total))
    var serial = self
    serial.extractor.descriptor?.options.threads = 1
    for k in serial.extractor.detectors.indices { serial.extractor.detectors[k].threads = 1 }
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let i = state.nextIndex(below: total) {
        let outcome = serial.process(inputs[i])
        let done = state.record(outcome, path: inputs[i].url.path)
        progress?(done, total)
      }
    }
    return state.summary(images: total, seconds: Date().timeIntervalSince(start))
  }

  enum Outcome {
    case written(features: Int)
    case skipped(features: Int)
    case failed(String)
  }

  private func process(_ input: ImageInput) -> Outcome {
    let target = outputURL(for: input)
    // Recorded absolute and resolved (symbolic links too), the form ground truth matches on.
    let sourcePath = input.url.standardizedFileURL.resolvingSymlinksInPath().path
    if !overwrite, FileManager.default.fileExists(atPath: target.path),
       let existing = try? FeatureFile.read(from: target), isCurrent(existing, sourcePath: sourcePath) {
      // Resume covers the drawings too: a kept output whose drawing is missing gets one.
      if let drawing = drawingURL(for: input), !FileManager.default.fileExists(atPath: drawing.path) {
        do { try draw(existing, on: try GrayImage(contentsOf: input.url, maxPixels: maxPixels), for: input) } catch {
          return .failed(Self.describe(error, of: input.url.path))
        }
      }
      return .skipped(features: existing.count)
    }
    do {
      let image = try GrayImage(contentsOf: input.url, maxPixels: maxPixels)
      let set = try extractor.extract(from: image, sourcePath: sourcePath, relativePath: input.relativePath)
      do { try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
        return .failed("cannot create the output folder: \(fileSystemReason(error))")
      }
      try FeatureFile.write(set, to: target, format: format)
      try draw(set, on: image, for: input)
      return .written(features: set.count)
    } catch {
      return .failed(Self.describe(error, of: input.url.path))
    }
  }

  /// Where the drawing of `input` goes, when drawings are asked for.
  func drawingURL(for input: ImageInput) -> URL? {
    drawRoot?.appendingPathComponent(input.relativePath + ".png")
  }

  /// Writes the drawing of `set`'s regions on `image` (atomically), when asked for.
  private func draw(_ set: FeatureSet, on image: GrayImage, for input: ImageInput) throws {
    guard let drawing = drawingURL(for: input) else { return }
    do { try FileManager.default.createDirectory(at: drawing.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
      throw ImageError.encodingFailed(path: drawing.path, reason: fileSystemReason(error))
    }
    try RGBImage(gray: image).drawingRegions(set.regions).write(to: drawing)
  }

  /// Whether a valid existing output is what this run would write, so that resuming may
  /// keep it. A `.lfeat` file records its detector and the whole parameter string (detector
  /// options, descriptor, `--max-dimension`): one made by another detector, other options or
  /// an earlier Loci whose defaults differ is recomputed, not silently mixed into the new
  /// features. VGG text records neither, so a valid VGG file is kept as it is.
  /// It must also come from this input's image (the source path it records): an output
  /// left by another image of the same name is recomputed, not kept as this one's.
  private func isCurrent(_ existing: FeatureSet, sourcePath: String) -> Bool {
    guard format == .lfeat else { return true }
    return existing.detector == extractor.detectorName && existing.parameters == extractor.parameters
      && existing.sourcePath == sourcePath
  }

  /// Loci's errors describe themselves (with the file and what to do); the failure already
  /// names the image, so a leading "PATH: " is left out of the reason.
  static func describe(_ error: Error, of path: String) -> String {
    let text = String(describing: error)
    return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
  }
}

/// Shared progress of the workers.
private final class JobState: @unchecked Sendable {
  private let lock = NSLock()
  private let images = WorkCounter()
  private var done = 0, processed = 0, skipped = 0, features = 0
  private var failed: [FeaturizeFailure] = []

  func nextIndex(below total: Int) -> Int? { images.next(below: total) }

  func record(_ outcome: FeaturizeJob.Outcome, path: String) -> Int {
    lock.lock()
    defer { lock.unlock() }
    done += 1
    switch outcome {
    case let .written(n): processed += 1; features += n
    case let .skipped(n): skipped += 1; features += n
    case let .failed(reason): failed.append(FeaturizeFailure(path: path, error: reason))
    }
    return done
  }

  func summary(images: Int, seconds: Double) -> FeaturizeSummary {
    lock.lock()
    defer { lock.unlock() }
    return FeaturizeSummary(images: images, processed: processed, skipped: skipped, features: features,
                            seconds: seconds, failed: failed.sorted { $0.path < $1.path })
  }
}
