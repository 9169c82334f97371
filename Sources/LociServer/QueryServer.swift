import Foundation
import Hummingbird
import Loci
import NIOCore

extension QueryService.QueryAnswer: ResponseEncodable {}
extension QueryService.VerifyAnswer: ResponseEncodable {}
extension QueryService.Stats: ResponseEncodable {}

/// `loci serve`: HTTP JSON over a `QueryService` (Hummingbird on SwiftNIO).
///
/// - `GET /health` → `{"status": "ok", "images": N}`
/// - `GET /stats` → counts, mean query time, uptime
/// - `POST /query?top=10&rerank=ransac|hpm|none&shortlist=100`, body: an image (any format
///   featurize reads) or a `.lfeat` file → the ranking with ids, paths, scores, verification
/// - `POST /verify`, body `{"a": base64, "b": base64, "method": "hpm"|"ransac"}` → inliers,
///   score, homography B ← A
///
/// Bodies above `maxBodyBytes` get 413, undecodable inputs 400 with the reason. The CPU work
/// of a request (decoding, featurising, searching) runs on a dispatch queue, at most
/// `concurrentRequests` at once, so the server's event loops keep answering `/health` while
/// queries compute. SIGTERM and SIGINT stop it gracefully: requests in flight finish.
public struct QueryServer: Sendable {
  public var service: QueryService
  public var maxBodyBytes = 32 << 20
  public var concurrentRequests = ProcessInfo.processInfo.activeProcessorCount

  public init(service: QueryService) { self.service = service }

  struct Health: ResponseEncodable { var status: String; var images: Int }

  /// The routes, for `run` and for tests (HummingbirdTesting's router client).
  public func router() -> Router<BasicRequestContext> {
    let router = Router()
    let service = self.service, limit = maxBodyBytes
    let gate = ComputeGate(width: concurrentRequests)
    router.get("health") { _, _ in Health(status: "ok", images: service.index.imageCount) }
    router.get("stats") { _, _ in service.stats() }
    router.post("query") { request, _ -> QueryService.QueryAnswer in
      let top = request.uri.queryParameters.get("top", as: Int.self) ?? 10
      guard top >= 1 else { throw HTTPError(.badRequest, message: "top must be at least 1") }
      var reranker = SpatialReranker()
      if let method = request.uri.queryParameters.get("rerank") {
        guard let chosen = SpatialReranker.Method(rawValue: String(method)) else {
          throw HTTPError(.badRequest, message: "rerank must be one of \(SpatialReranker.Method.allCases.map(\.rawValue))")
        }
        reranker.method = chosen
      }
      if let shortlist = request.uri.queryParameters.get("shortlist", as: Int.self) {
        guard shortlist >= 1 else { throw HTTPError(.badRequest, message: "shortlist must be at least 1") }
        reranker.shortlist = shortlist
      }
      let payload = try await Self.body(request, limit: limit)
      let chosen = reranker
      return try await gate.run(service) { try service.query(payload, top: top, reranker: chosen) }
    }
    router.post("verify") { request, _ -> QueryService.VerifyAnswer in
      let payload = try await Self.body(request, limit: limit)
      let decoded: QueryService.VerifyRequest
      do { decoded = try JSONDecoder().decode(QueryService.VerifyRequest.self, from: payload) } catch {
        service.recordFailure()
        throw HTTPError(.badRequest, message: "the body must be JSON {\"a\": base64, \"b\": base64, \"method\": \"hpm\"|\"ransac\"}")
      }
      return try await gate.run(service) { try service.verify(decoded) }
    }
    return router
  }

  /// The request body, at most `limit` bytes (413 beyond).
  static func body(_ request: Request, limit: Int) async throws -> Data {
    let buffer = try await request.body.collect(upTo: limit)
    return Data(buffer.readableBytesView)
  }

  /// Serves on `host:port` until SIGTERM or SIGINT; `onRunning` is called once listening.
  public func run(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
    let app = Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "loci"),
                          onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
  }
}

/// Runs request work on a dispatch queue, at most `width` at once, and turns the service's
/// input errors into 400 responses.
final class ComputeGate: Sendable {
  private let slots: DispatchSemaphore
  private let queue = DispatchQueue(label: "loci.serve.compute", attributes: .concurrent)

  init(width: Int) { slots = DispatchSemaphore(value: Swift.max(1, width)) }

  func run<T: Sendable>(_ service: QueryService, _ work: @escaping @Sendable () throws -> T) async throws -> T {
    do {
      return try await withCheckedThrowingContinuation { continuation in
        queue.async { [slots] in
          slots.wait()
          defer { slots.signal() }
          continuation.resume(with: Result { try work() })
        }
      }
    } catch let error as QueryService.BadInput {
      service.recordFailure()
      throw HTTPError(.badRequest, message: error.description)
    } catch let error as IndexError {
      service.recordFailure()
      throw HTTPError(.badRequest, message: error.description)
    }
  }
}
