import Foundation

/// What the CPU can run, read once. Only Linux on x86-64 is probed (the `flags` line of
/// /proc/cpuinfo, which lists what the kernel lets user code use); everywhere else the
/// portable kernels are used.
package enum CPUFeatures {
  /// AVX2 and FMA both present: the `LociKernelsAVX2` builds of the kernels run (exact
  /// assignment's dot products, MFD's distance-transform offers, the Gaussian blur).
  /// `LOCI_DISABLE_AVX2=1` in the environment forces the portable kernels (for comparisons).
  package static let hasAVX2AndFMA: Bool = {
    #if os(Linux) && arch(x86_64)
      if ProcessInfo.processInfo.environment["LOCI_DISABLE_AVX2"] == "1" { return false }
      guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
      let set = Set(flags.split(separator: " ").map(String.init))
      return set.contains("avx2") && set.contains("fma")
    #else
      return false
    #endif
  }()
}
