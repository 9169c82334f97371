import ArgumentParser
import Foundation
import LociCommandLine

#if canImport(Glibc)
  import Glibc
#endif

/// `loci serve …` runs `loci-server …`, the executable beside this one: the HTTP server
/// (SwiftNIO, Hummingbird) is a separate program so that every other command starts without
/// loading it.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Answer queries over HTTP JSON with the index loaded once (runs loci-server; see loci serve --help).")

  @Argument(parsing: .captureForPassthrough, help: "loci-server's arguments: INDEX [--host H] [--port P] …")
  var arguments: [String] = []

  func run() throws {
    let server = Self.serverExecutable()
    guard FileManager.default.isExecutableFile(atPath: server.path) else {
      printError("loci serve: \(server.path) is missing; build it with `swift build -c release --product loci-server`")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    let argv = [server.path] + arguments
    var cArguments = argv.map { strdup($0) } + [nil]
    execv(server.path, &cArguments)
    printError("loci serve: cannot run \(server.path): \(String(cString: strerror(errno)))")
    throw ExitCode(ExitStatus.usage.rawValue)
  }

  /// `loci-server` in the folder of the running executable (resolved through /proc on Linux).
  static func serverExecutable() -> URL {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("loci-server")
  }
}
