import Foundation
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `loci serve` over a real socket: it runs loci-server, answers on the port it prints, and
/// stops with status 0 on SIGTERM.
final class ServeCommandTests: XCTestCase {
  private func get(_ url: URL) throws -> (Int, Data) {
    let done = DispatchSemaphore(value: 0)
    final class Box: @unchecked Sendable { var status = 0; var data = Data(); var error: Error? }
    let box = Box()
    URLSession.shared.dataTask(with: url) { data, response, error in
      box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
      box.data = data ?? Data()
      box.error = error
      done.signal()
    }.resume()
    XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
    if let error = box.error { throw error }
    return (box.status, box.data)
  }

  func testServeAnswersHealthAndStopsOnSIGTERM() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let features = folder.appendingPathComponent("features"), vocab = folder.appendingPathComponent("v.lvoc")
    let index = folder.appendingPathComponent("i.lidx")
    XCTAssertEqual(try CLI.run("featurize", [CLI.fixtures.path, "--out", features.path]).status, 0)
    XCTAssertEqual(try CLI.run("loci", ["vocab", "train", features.path, "--size", "16", "--out", vocab.path]).status, 0)
    XCTAssertEqual(try CLI.run("loci", ["index", "build", features.path, "--vocab", vocab.path, "--out", index.path]).status, 0)

    let server = Process()
    server.executableURL = CLI.productsFolder.appendingPathComponent("loci")
    server.arguments = ["serve", index.path, "--host", "127.0.0.1", "--port", "0"]
    let stderr = Pipe()
    server.standardError = stderr
    try server.run()
    defer { if server.isRunning { server.terminate() } }
    // The port is on the line "loci serve: N images, listening on http://127.0.0.1:PORT".
    var said = "", port: Int?
    let deadline = Date().addingTimeInterval(60)
    while port == nil && Date() < deadline {
      let chunk = stderr.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      said += String(decoding: chunk, as: UTF8.self)
      if let range = said.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
        port = Int(said[range].split(separator: ":").last!)
      }
    }
    let bound = try XCTUnwrap(port, said)
    XCTAssertTrue(said.contains("4 images"), said)
    let (status, body) = try get(URL(string: "http://127.0.0.1:\(bound)/health")!)
    XCTAssertEqual(status, 200)
    let health = try XCTUnwrap(JSONSerialization.jsonObject(with: body) as? [String: Any])
    XCTAssertEqual(health["images"] as? Int, 4)
    XCTAssertEqual(try get(URL(string: "http://127.0.0.1:\(bound)/missing")!).0, 404)

    server.terminate()  // SIGTERM
    server.waitUntilExit()
    XCTAssertEqual(server.terminationReason, .exit)
    XCTAssertEqual(server.terminationStatus, 0, "a graceful stop")
  }

  func testAMissingIndexIsAUsageError() throws {
    let run = try CLI.run("loci", ["serve", "/nonexistent/i.lidx"])
    XCTAssertEqual(run.status, 2)
    XCTAssertTrue(run.stderr.contains("/nonexistent/i.lidx"), run.stderr)
  }
}
