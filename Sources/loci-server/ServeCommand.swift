import ArgumentParser
import Dispatch
import Foundation
import Loci
import LociCommandLine
import LociServer

/// `loci-server INDEX` (what `loci serve INDEX` runs): the index loaded once, queries over
/// HTTP until SIGTERM or SIGINT.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loci serve",
    abstract: "Answer queries over HTTP JSON with the index loaded once.",
    discussion: """
      GET /health, GET /stats; POST /query?top=10&rerank=ransac|hpm|none&shortlist=100 with an image or a .lfeat \
      file as the body; POST /verify with {"a": base64, "b": base64, "method": "hpm"|"ransac"}. Bodies above \
      --max-body-mb get 413, undecodable inputs 400. SIGTERM or SIGINT stops the server after the requests in flight.
      """,
    version: lociVersion)

  @Argument(help: "The .lidx index, or a folder of .lidx shards built from one template.") var index: String
  @Option(help: "Address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
  @Option(help: "Port to listen on (0: any free port, printed on stderr).") var port = 8080
  @Option(help: "The vocabulary, when it has moved since the index was built.") var vocab: String?
  @OptionGroup var assigning: AssignmentOptions
  @Option(help: "Largest request body, in MiB.") var maxBodyMb = 32
  @Option(help: "Requests computed at once (default: one per core).") var concurrent: Int?
  @Option(help: "Detect uploaded images on a copy downscaled to at most this many pixels on the larger side (default: as the index's features were made; 0: full size). Faster image queries, at a measured cost in mAP: docs/benchmarks.md.")
  var queryMaxDimension: Int?

  func validate() throws {
    guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    guard maxBodyMb >= 1 else { throw ValidationError("--max-body-mb must be at least 1") }
    if let concurrent, concurrent < 1 { throw ValidationError("--concurrent must be at least 1") }
    if let queryMaxDimension, queryMaxDimension < 0 { throw ValidationError("--query-max-dimension must be 0 or positive") }
  }

  func run() throws {
    let server: QueryServer
    do {
      let loaded = try Retrieval.openShards(URL(fileURLWithPath: index), vocabularyURL: vocab.map { URL(fileURLWithPath: $0) },
                                       assignment: assigning.wordAssignment)
      var configured = QueryServer(service: try QueryService(index: loaded, indexPath: index, queryMaxDimension: queryMaxDimension))
      configured.maxBodyBytes = maxBodyMb << 20
      if let concurrent { configured.concurrentRequests = concurrent }
      server = configured
    } catch {
      printError("loci serve: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    // The command runs synchronously; the server is async and runs until a signal stops it.
    let finished = DispatchSemaphore(value: 0)
    let outcome = ServeOutcome()
    let (host, port, images) = (self.host, self.port, server.service.index.imageCount)
    Task {
      do {
        try await server.run(host: host, port: port) { bound in
          printNote("loci serve: \(images) images, listening on http://\(host):\(bound)")
        }
      } catch {
        outcome.error = error
      }
      finished.signal()
    }
    finished.wait()
    if let error = outcome.error {
      printError("loci serve: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
  }
}

/// How the server's task ended, read after it has.
private final class ServeOutcome: @unchecked Sendable {
  var error: Error?
}
