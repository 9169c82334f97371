import Foundation
import XCTest

/// Runs the built executables the way a user would and captures what they print.
struct CommandResult {
  var status: Int32
  var stdout: String
  var stderr: String

  func json() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    return try XCTUnwrap(object as? [String: Any], "stdout is one JSON object: \(stdout)")
  }
}

enum CLI {
  /// The folder holding the built products (the test bundle sits beside them).
  static var productsFolder: URL {
    let here = Bundle.main.bundleURL
    if FileManager.default.fileExists(atPath: here.appendingPathComponent("featurize").path) { return here }
    return Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
  }

  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let fixtures = repositoryRoot.appendingPathComponent("Fixtures")

  /// Runs `executable`; with `timeout` (seconds) it is killed when still running by then, so
  /// a hang fails its test instead of stalling the suite. `environment` is added to the
  /// test process's own.
  static func run(_ executable: String, _ arguments: [String], timeout: Double? = nil,
                  environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = productsFolder.appendingPathComponent(executable)
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    if let timeout {
      DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.terminate() } }
    }
    // Read both pipes before waiting, so a chatty process cannot block on a full pipe.
    final class Box: @unchecked Sendable { var data = Data() }
    let stderr = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      stderr.data = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr.data, as: UTF8.self))
  }

  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("loci-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  private final class Marker {}
}
