import ArgumentParser
import Foundation
import Loci

/// Per-pair verification time of HPM and RANSAC on the same synthetic correspondences
/// (30 % inliers of a similarity plus 1 px noise, 70 % random), for several sizes. Writes the
/// correspondences as CSV (x1,y1,x2,y2) so that bench/verification_peers.py can time
/// pydegensac and OpenCV's USAC on exactly the same points.
struct VerificationBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "verification")

  @OptionGroup var hpmMode: HPMModeOptions
  @Option(parsing: .upToNextOption) var sizes: [Int] = [100, 1000, 10000]
  @Option(help: "Folder for the CSV files.") var out = "bench/out"
  @Option var repeats = 5
  @Option(help: "Untimed calls first, so that every method is timed in steady state (the allocator's first calls page-fault).")
  var warmup = 20
  @Flag(help: "Time HPM only (for profiling).") var hpmOnly = false

  func run() throws {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    var state: UInt64 = 12345
    func unit() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    for n in sizes {
      var a: [LocalFrame] = [], b: [LocalFrame] = []
      let (s, angle, tx, ty) = (1.3, 0.4, 50.0, -30.0)
      for k in 0..<n {
        let p = LocalFrame(x: unit() * 800, y: unit() * 600, scale: 2 + unit() * 10, angle: unit() * 6 - 3)
        a.append(p)
        if k % 10 < 3 {
          b.append(LocalFrame(x: s * (cos(angle) * p.x - sin(angle) * p.y) + tx + unit() - 0.5,
                              y: s * (sin(angle) * p.x + cos(angle) * p.y) + ty + unit() - 0.5,
                              scale: p.scale * s, angle: p.angle + angle))
        } else {
          b.append(LocalFrame(x: unit() * 800, y: unit() * 600, scale: 2 + unit() * 10, angle: unit() * 6 - 3))
        }
      }
      let c = (0..<n).map { Correspondence(a: Int32($0), b: Int32($0)) }
      var csv = ""
      for k in 0..<n { csv += "\(a[k].x),\(a[k].y),\(b[k].x),\(b[k].y)\n" }
      try csv.write(toFile: "\(out)/correspondences-\(n).csv", atomically: true, encoding: .utf8)
      var hpmResult: VerificationResult?, ransacResult: VerificationResult?
      for _ in 0..<warmup { _ = hpmMode.matcher.verify(c, framesA: a, framesB: b, imageSize: 800) }
      if !hpmOnly { for _ in 0..<warmup { _ = RANSACVerifier().verify(c, framesA: a, framesB: b) } }
      let hpmTime = bestTime(repeats: repeats) {
        hpmResult = hpmMode.matcher.verify(c, framesA: a, framesB: b, imageSize: 800)
      }
      let ransacTime = hpmOnly ? 0 : bestTime(repeats: repeats) { ransacResult = RANSACVerifier().verify(c, framesA: a, framesB: b) }
      if hpmOnly { ransacResult = hpmResult }
      print(String(format: "n=%5d  HPM %8.3f ms (%d inliers)  RANSAC %8.3f ms (%d inliers)  true inliers %d", n,
                   hpmTime * 1000, hpmResult!.inlierCount, ransacTime * 1000, ransacResult!.inlierCount,
                   (0..<n).filter { $0 % 10 < 3 }.count))
    }
  }
}
