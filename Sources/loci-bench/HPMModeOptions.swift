import ArgumentParser
import Loci

extension HPMOptions.SwapInvariance: ExpressibleByArgument {}

/// The HPM variant the verification benchmarks time (shared by `verification` and
/// `oxford-verification`, so both compare the same modes).
struct HPMModeOptions: ParsableArguments {
  @Option(help: "HPM swap invariance: \(HPMOptions.SwapInvariance.allCases.map(\.rawValue).joined(separator: ", ")).")
  var swapInvariance: HPMOptions.SwapInvariance = .average

  var matcher: HoughPyramidMatcher {
    var options = HPMOptions()
    options.swapInvariance = swapInvariance
    return HoughPyramidMatcher(options: options)
  }
}
