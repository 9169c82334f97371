import XCTest

/// OpenCV's imgcodecs (about 140 shared libraries) is opened only when an image other than a
/// JPEG is decoded, so starting a command and featurising JPEGs never loads it. The dynamic
/// loader says which libraries it maps when `LD_DEBUG=files` is set (glibc).
final class LazyImageCodecsTests: XCTestCase {
  private let imgcodecs = "libopencv_imgcodecs"

  private func loadedLibraries(_ tool: String, _ arguments: [String]) throws -> (CommandResult, String) {
    let run = try CLI.run(tool, arguments, environment: ["LD_DEBUG": "files"])
    return (run, run.stderr)
  }

  func testStartingACommandLoadsNoImageCodecs() throws {
    #if os(Linux)
    for tool in ["featurize", "loci"] {
      let (run, loader) = try loadedLibraries(tool, ["--version"])
      XCTAssertEqual(run.status, 0, run.stderr)
      XCTAssertTrue(loader.contains("libopencv_core"), "LD_DEBUG=files lists the libraries mapped: \(loader.prefix(300))")
      XCTAssertFalse(loader.contains(imgcodecs), "\(tool) --version mapped imgcodecs")
    }
    #else
    throw XCTSkip("LD_DEBUG is glibc's")
    #endif
  }

  func testImgcodecsIsLoadedForAPNGAndNotForAJPEG() throws {
    #if os(Linux)
    let out = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let jpeg = CLI.fixtures.appendingPathComponent("scenes/image00-480.jpg").path
    let (jpegRun, jpegLoader) = try loadedLibraries("featurize", [jpeg, "--out", out.path])
    XCTAssertEqual(jpegRun.status, 0, jpegRun.stderr)
    XCTAssertFalse(jpegLoader.contains(imgcodecs), "featurising a JPEG mapped imgcodecs")

    let png = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    let (pngRun, pngLoader) = try loadedLibraries("featurize", [png, "--out", out.path])
    XCTAssertEqual(pngRun.status, 0, pngRun.stderr)
    XCTAssertTrue(pngLoader.contains(imgcodecs), "featurising a PNG decodes it through imgcodecs")
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("graf-img1-400.png.lfeat").path))
    #else
    throw XCTSkip("LD_DEBUG is glibc's")
    #endif
  }
}
