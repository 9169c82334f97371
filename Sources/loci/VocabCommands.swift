import ArgumentParser
import Foundation
import Loci
import LociCommandLine

/// Vocabulary training methods available so far (DRVQ is not implemented yet).
enum VocabularyMethod: String, CaseIterable, ExpressibleByArgument {
  case kmeans
  /// Approximate (expanding) Gaussian mixture: --size is the number of starting components;
  /// the number of words is found.
  case agm
}

struct Vocab: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train and inspect visual vocabularies.", subcommands: [Train.self, Info.self])

  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train a vocabulary on the descriptors of a folder of .lfeat files (seeded, reproducible).")

    @Argument(help: "Folder of .lfeat files (searched recursively).") var features: String
    @Option(help: "Training method: \(VocabularyMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method: VocabularyMethod = .kmeans
    @Option(help: "Number of words (kmeans) or of starting components (agm).") var size: Int = 4096
    @Option(help: "Train on a seeded uniform sample of at most this many descriptors (0: all).") var sample: Int = 0
    @Option(help: "Lloyd iterations (kmeans) or at most this many EM iterations (agm).") var iterations: Int = 10
    @Option(help: "Seeding: random or plusPlus.") var initialisation: String = "random"
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output .lvoc file.") var out: String
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    struct Report: Encodable {
      var method: String, words: Int, dimension: Int, descriptors: Int, seconds: Double, mse: Double
      var repaired_clusters: Int
    }

    func validate() throws {
      guard size >= 1 else { throw ValidationError("--size must be at least 1") }
      guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
      guard KMeansOptions.Initialisation(rawValue: initialisation) != nil else {
        throw ValidationError("--initialisation must be random or plusPlus")
      }
    }

    func run() throws {
      let start = Date()
      let data: DescriptorSample
      do { data = try DescriptorSample.load(from: URL(fileURLWithPath: features), limit: sample, seed: seed) } catch {
        printError("loci vocab train: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      var options = KMeansOptions(k: size)
      options.iterations = iterations
      options.seed = seed
      options.initialisation = KMeansOptions.Initialisation(rawValue: initialisation)!
      let bar = ProgressBar(label: method.rawValue)
      var vocabulary: FlatVocabulary
      var sigmas: [Float]? = nil, weights: [Float]? = nil
      var repaired = 0
      var parameters = "iterations=\(iterations) seed=\(seed) descriptors=\(data.count)"
      do {
        switch method {
        case .kmeans:
          let result = try KMeans.train(data.descriptors, dimension: data.dimension, options: options) { i, _ in
            bar.update(done: i, total: iterations)
          }
          vocabulary = result.vocabulary
          repaired = result.repairedClusters
          parameters += " k=\(size) initialisation=\(initialisation)"
        case .agm:
          var agm = AGMOptions()
          agm.initialComponents = size
          agm.maxIterations = iterations
          agm.seed = seed
          let result = try AGM.train(data.descriptors, dimension: data.dimension, options: agm) { i, _ in
            bar.update(done: i, total: iterations)
          }
          vocabulary = result.vocabulary
          sigmas = result.sigmas.map(Float.init)
          weights = result.weights.map(Float.init)
          parameters += " initialComponents=\(size) neighbours=\(agm.neighbours) purge=\(agm.purgeThreshold)"
        }
      } catch {
        printError("loci vocab train: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      do {
        try VocabularyFile.write(vocabulary, method: method.rawValue, parameters: parameters, sigmas: sigmas,
                                 weights: weights, to: URL(fileURLWithPath: out))
      } catch {
        printError("loci vocab train: \(error)")
        throw ExitCode(ExitStatus.someInputsFailed.rawValue)
      }
      let assignment = vocabulary.assign(data.descriptors, k: 1)
      let mse = assignment.distances.reduce(0.0) { $0 + Double($1) } / Double(Swift.max(data.count, 1))
      let report = Report(method: method.rawValue, words: vocabulary.count, dimension: data.dimension,
                          descriptors: data.count, seconds: Date().timeIntervalSince(start), mse: mse,
                          repaired_clusters: repaired)
      if json { try printJSON(report) } else {
        print(String(format: "%@: %d words from %d descriptors, MSE %.6f, %.1f s", method.rawValue as NSString,
                     report.words, report.descriptors, report.mse, report.seconds))
      }
    }
  }

  struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a .lvoc file.")
    @Argument(help: "Vocabulary file.") var vocabulary: String
    @Flag(help: "JSON on stdout.") var json = false

    struct Report: Encodable { var method: String, parameters: String, words: Int, dimension: Int }

    func run() throws {
      let contents: VocabularyFile.Contents
      do { contents = try VocabularyFile.read(from: URL(fileURLWithPath: vocabulary)) } catch {
        printError("loci vocab info: \(error)")
        throw ExitCode(ExitStatus.someInputsFailed.rawValue)
      }
      let report = Report(method: contents.method, parameters: contents.parameters, words: contents.vocabulary.count,
                          dimension: contents.vocabulary.dimension)
      if json { try printJSON(report) } else {
        print("\(report.method): \(report.words) words of dimension \(report.dimension) (\(report.parameters))")
      }
    }
  }
}
