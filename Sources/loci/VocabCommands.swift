import ArgumentParser
import Foundation
import Loci
import LociCommandLine

extension VocabularyTrainer.Method: ExpressibleByArgument {}
extension AGMOptions.PurgeRule: ExpressibleByArgument {}

struct Vocab: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train and inspect visual vocabularies.", subcommands: [Train.self, Info.self])

  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train a vocabulary on the descriptors of a folder of .lfeat files (seeded, reproducible).")

    @Argument(help: "Folder of .lfeat files (searched recursively).") var features: String
    @Option(help: "Training method: \(VocabularyTrainer.Method.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method: VocabularyTrainer.Method = .kmeans
    @Option(help: "Number of words (kmeans, drvq) or of starting components (agm).") var size: Int = 4096
    @Option(help: "drvq: sub-vectors, each with its own tree; words = (top capacity)^books (default: 1 up to 4096 words, else 2).")
    var books: Int?
    @Option(help: "drvq: comma-separated centroids per tree level, 1-D first (default: derived from --size).")
    var capacities: String?
    @Option(help: "Train on a seeded uniform sample of at most this many descriptors (0: all).") var sample: Int = 0
    @Option(help: "Lloyd iterations (kmeans), at most this many EM iterations (agm) or iterations per tree node (drvq, which also stops by its θ rule).")
    var iterations: Int = 10
    @Option(help: "agm: P-step rule, merge (BIC merge cost, finds a count on descriptors) or overlap (the paper's ρ rule).")
    var agmPurge: AGMOptions.PurgeRule = .merge
    @Option(help: "agm, merge rule: scale of the BIC penalty per component (larger: fewer words).") var agmPenalty: Double = 1
    @Option(help: "Seeding: random or plusPlus.") var initialisation: String = "random"
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output .lvoc file.") var out: String
    @Flag(help: "Stop at the first unreadable feature file (default: report it, leave it out, exit 1 at the end).")
    var strict = false
    @Flag(help: "Print a JSON summary on stdout.") var json = false

    struct Report: Encodable {
      var method: String, words: Int, dimension: Int, descriptors: Int, seconds: Double, mse: Double
      var repaired_clusters: Int
      /// Feature files left out because they could not be read.
      var skipped: [[String: String]] = []
      /// agm only: components alive after each iteration.
      var history: [Int]? = nil
    }

    func validate() throws {
      guard size >= 1 else { throw ValidationError("--size must be at least 1") }
      if let books, books < 1 { throw ValidationError("--books must be at least 1") }
      guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
      guard KMeansOptions.Initialisation(rawValue: initialisation) != nil else {
        throw ValidationError("--initialisation must be random or plusPlus")
      }
      guard agmPenalty > 0 else { throw ValidationError("--agm-penalty must be positive") }
    }

    func run() throws {
      let start = Date()
      let data: DescriptorSample
      let skipped = SkippedFiles(command: "loci vocab train")
      do {
        data = try DescriptorSample.load(from: URL(fileURLWithPath: features), limit: sample, seed: seed,
                                         skipUnreadable: skipped.handler(strict: strict))
      } catch {
        printError("loci vocab train: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      var trainer = VocabularyTrainer(method: method, size: size)
      trainer.iterations = iterations
      trainer.seed = seed
      trainer.initialisation = KMeansOptions.Initialisation(rawValue: initialisation)!
      trainer.agmPurge = agmPurge
      trainer.agmPenalty = agmPenalty
      trainer.books = books
      trainer.capacities = capacities.map { $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
      let bar = ProgressBar(label: method.rawValue)
      let trained: VocabularyTrainer.Trained
      do { trained = try trainer.train(data) { done, total in bar.update(done: done, total: total) } } catch {
        printError("loci vocab train: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      do {
        let url = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try trained.write(to: url)
      } catch {
        printError("loci vocab train: \(error)")
        throw ExitCode(ExitStatus.someInputsFailed.rawValue)
      }
      let report = Report(method: method.rawValue, words: trained.vocabulary.count, dimension: data.dimension,
                          descriptors: data.count, seconds: Date().timeIntervalSince(start), mse: trained.meanSquaredError,
                          repaired_clusters: trained.repairedClusters, skipped: skipped.list, history: trained.history)
      if json { try printJSON(report) } else {
        print(String(format: "%@: %d words from %d descriptors, MSE %.6f, %.1f s", method.rawValue as NSString,
                     report.words, report.descriptors, report.mse, report.seconds))
      }
      try skipped.exitIfAny()
    }
  }

  struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a .lvoc file.")
    @Argument(help: "Vocabulary file.") var vocabulary: String
    @Flag(help: "JSON on stdout.") var json = false

    struct Report: Encodable {
      var method: String, parameters: String, words: Int, dimension: Int
      /// DRVQ only: words per book.
      var drvq_words_per_book: [Int]?
    }

    func run() throws {
      let contents: VocabularyFile.Contents
      do { contents = try VocabularyFile.read(from: URL(fileURLWithPath: vocabulary)) } catch {
        printError("loci vocab info: \(error)")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
      let report = Report(method: contents.method, parameters: contents.parameters, words: contents.vocabulary.count,
                          dimension: contents.vocabulary.dimension, drvq_words_per_book: contents.drvq?.wordsPerBook)
      if json { try printJSON(report) } else {
        print("\(report.method): \(report.words) words of dimension \(report.dimension) (\(report.parameters))")
      }
    }
  }
}
