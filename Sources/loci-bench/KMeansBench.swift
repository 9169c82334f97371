import LociCore
import ArgumentParser
import Foundation
import Loci

/// Flat k-means on descriptors from .lfeat files, timed; exports the data and the initial
/// centroids as raw float32 so bench/kmeans_faiss.py runs faiss.Kmeans from the same start.
struct KMeansBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "kmeans")

  @Argument(help: "Folder of .lfeat files.") var features: String
  @Option var k = 4096
  @Option var iterations = 10
  @Option(help: "Seeded sample size (0: all).") var sample = 0
  @Option(help: "Folder for data.f32 and init.f32.") var export = "bench/out"

  func run() throws {
    let data = try DescriptorSample.load(from: URL(fileURLWithPath: features), limit: sample)
    var options = KMeansOptions(k: k)
    options.iterations = iterations
    var rng = SplitMix64(seed: options.seed)
    let initial = KMeans.initialCentroids(data.descriptors, n: data.count, d: data.dimension, options: options, rng: &rng)
    try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
    try data.descriptors.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: "\(export)/data.f32")) }
    try initial.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: "\(export)/init.f32")) }
    let start = Date()
    let result = try KMeans.train(data.descriptors, dimension: data.dimension, options: options)
    print(String(format: "Loci k-means: %d x %d, k=%d, %d iterations: %.2f s, MSE %.6f", data.count, data.dimension, k,
                 iterations, Date().timeIntervalSince(start), result.meanSquaredError))
  }
}
