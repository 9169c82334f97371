// swift-tools-version:6.0
// Loci: local-feature geometry for image retrieval.
//
// Table of contents
//   Products ........ the `Loci` library and the `featurize` / `loci` executables
//   Shim ............ CShims: the only C++ in the package (OpenCV + CGAL behind a C header)
//   Library targets . one job each, depending only downward (see shared ARCHITECTURE.md)
//   Executables ..... thin argument parsing over the library
//   Tests ........... one test target per library target, plus CLI tests that run the binaries
import PackageDescription

/// OpenCV modules the shim links; naming them (instead of the 56 libraries that
/// `pkg-config opencv4` lists) keeps process start-up short. imgcodecs is not among them: it
/// brings about 140 libraries with it, so the shim opens it with dlopen when a non-JPEG image
/// is decoded or an image encoded (CShims/loci_imgcodecs.hpp).
let openCVLibraries: [LinkerSetting] = [
  "opencv_core", "opencv_imgproc", "opencv_features2d",
].map { .linkedLibrary($0) } + [.linkedLibrary("dl", .when(platforms: [.linux]))]

let package = Package(
  name: "Loci",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Loci", targets: ["Loci"]),
    // The parts a pipeline can use without OpenCV or CGAL: verification of correspondences,
    // and indexes with their queries and re-ranking (features come from files).
    .library(name: "LociGeometry", targets: ["LociGeometry"]),
    .library(name: "LociIndex", targets: ["LociIndex"]),
    .executable(name: "featurize", targets: ["featurize"]),
    .executable(name: "loci", targets: ["loci"]),
    .executable(name: "loci-server", targets: ["loci-server"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // `swift package generate-documentation --target Loci` (the DocC catalog in Sources/Loci).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    // `loci serve`: the HTTP server (SwiftNIO underneath).
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
  ],
  targets: [
    // MARK: Shim
    // C ABI over OpenCV (decode/encode, SIFT/MSER baselines) and CGAL (weighted alpha filtration).
    .target(
      name: "CShims",
      path: "CShims",
      exclude: ["README.md"],
      // CGAL_NDEBUG in release: CGAL's own preconditions and postconditions are checked in
      // debug builds (the tests) but left out of the timed builds.
      cxxSettings: [.headerSearchPath("opencv4"), .define("CGAL_NDEBUG", .when(configuration: .release))],
      // libjpeg, libpng, libtiff and libwebp (the codecs OpenCV decodes with) read image
      // headers before decoding, so that a size limit holds before any allocation.
      linkerSettings: openCVLibraries + ["jpeg", "png16", "tiff", "webp"].map { .linkedLibrary($0) }
        + [.linkedLibrary("gmp"), .linkedLibrary("mpfr"), .linkedLibrary("m")]
    ),

    // MARK: Library targets
    // Shared primitives (Foundation only): CRC-32C, little-endian coding, atomic writes, SIMD distances, CPU features, a work counter.
    .target(name: "LociCore"),
    // Grey images: decoding via the shim, smoothing, gradients, resampling, drawing.
    .target(name: "LociImage", dependencies: ["CShims", "LociCore", "LociKernels"]),
    // Regions, feature sets and feature files (.lfeat, VGG text): Foundation only, so
    // verification and indexes need no OpenCV or CGAL.
    .target(name: "LociFeatureTypes", dependencies: ["LociCore"]),
    // Detectors (MFD, WaSH, the OpenCV baselines) and descriptors on images.
    .target(name: "LociFeatures", dependencies: ["LociFeatureTypes", "LociImage", "CShims", "LociCore", "LociKernels"]),
    // Visual vocabularies: flat k-means with exact assignment, `.lvoc` files (Foundation only).
    .target(name: "LociQuantization", dependencies: ["LociCore", "LociKernels"]),
    // The hot loops in C for AVX2 + FMA or POPCNT (`__attribute__((target(…)))` per function,
    // no compiler flag): exact assignment's dot products, MFD's row offers, the Gaussian blur,
    // Hamming distances.
    // Called only when the CPU reports both (`CPUFeatures`, checked at run time).
    .target(name: "LociKernels"),
    // Planar transforms, tentative correspondences, HPM and RANSAC verification.
    .target(name: "LociGeometry", dependencies: ["LociFeatureTypes"]),
    // Inverted-file index: BoW, Hamming embedding, ASMK/ASMK*, geometry store, `.lidx` files.
    .target(name: "LociIndex", dependencies: ["LociQuantization", "LociFeatureTypes", "LociGeometry", "LociKernels"]),
    // The system's SQLite (libsqlite3-dev), for the COLMAP export.
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    // Exports into other tools' formats: COLMAP databases (SQLite) and hloc's HDF5 files.
    .target(name: "LociExport", dependencies: ["LociFeatureTypes", "CSQLite", "LociHDF5"]),
    // The system's libhdf5, opened with dlopen when an hloc export runs (C, no headers needed).
    .target(name: "LociHDF5"),
    // Repeatability / matching score (Mikolajczyk et al. 2005).
    .target(name: "LociEval", dependencies: ["LociFeatures", "LociGeometry"]),
    // The library face: re-exports plus pipeline helpers (the featurize job).
    .target(name: "Loci", dependencies: ["LociCore", "LociImage", "LociFeatureTypes", "LociFeatures", "LociGeometry", "LociEval", "LociQuantization", "LociIndex", "LociExport"]),

    // MARK: Executables
    // What both executables share: exit codes of the contract, progress bar, JSON output.
    .target(
      name: "LociCommandLine",
      dependencies: ["Loci", "CShims", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(name: "featurize", dependencies: ["LociCommandLine"]),
    .executableTarget(name: "loci", dependencies: ["LociCommandLine"]),
    // `loci serve` runs this executable, so that only serving loads SwiftNIO and Hummingbird.
    .executableTarget(name: "loci-server", dependencies: ["LociCommandLine", "LociServer"]),
    // The query server of `loci serve`: an index loaded once, HTTP JSON (Hummingbird).
    .target(name: "LociServer", dependencies: ["Loci", .product(name: "Hummingbird", package: "hummingbird")]),
    // Benchmarks against OpenCV in the same process (docs/benchmarks.md); not installed.
    .executableTarget(name: "loci-bench", dependencies: ["LociCommandLine", "LociFuzz"]),
    // Seeded mutation fuzzing of the file formats (checksums fixed up); `loci-bench fuzz`
    // and scripts/fuzz.sh run it for a bounded time, the tests briefly. Not in the product.
    .target(name: "LociFuzz", dependencies: ["Loci"]),

    // MARK: Tests
    .testTarget(name: "LociImageTests", dependencies: ["LociImage", "LociKernels"]),
    .testTarget(name: "LociFeaturesTests", dependencies: ["LociFeatures", "LociEval", "LociGeometry", "LociKernels"]),
    .testTarget(name: "LociQuantizationTests", dependencies: ["LociQuantization", "LociKernels"]),
    .testTarget(name: "LociGeometryTests", dependencies: ["LociGeometry", "LociFeatures", "LociCore"]),
    .testTarget(name: "LociIndexTests", dependencies: ["LociIndex", "LociEval"]),
    .testTarget(name: "LociEvalTests", dependencies: ["LociEval", "LociGeometry", "LociFeatures"]),
    .testTarget(name: "CLITests", dependencies: ["Loci", "featurize", "loci", "loci-server"]),
    .testTarget(name: "LociFuzzTests", dependencies: ["LociFuzz"]),
    .testTarget(name: "LociTests", dependencies: ["Loci"]),
    .testTarget(name: "LociExportTests", dependencies: ["LociExport"]),
    .testTarget(name: "LociServerTests", dependencies: ["LociServer", .product(name: "HummingbirdTesting", package: "hummingbird")]),
  ],
  swiftLanguageModes: [.v5],
  cxxLanguageStandard: .cxx17
)
