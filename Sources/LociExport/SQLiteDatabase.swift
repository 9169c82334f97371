import CSQLite
import Foundation

/// A SQLite database through the system library: just what the exports need (statements with
/// bound integers, doubles, text and blobs, run inside one transaction). Not thread-safe;
/// one writer at a time.
final class SQLiteDatabase {
  struct SQLiteError: Error, CustomStringConvertible {
    var path: String
    var message: String
    var description: String { "\(path): SQLite: \(message)" }
  }

  private var handle: OpaquePointer?
  let path: String

  /// Opens (creating when missing) the database at `path`.
  init(path: String) throws {
    self.path = path
    let status = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
    guard status == SQLITE_OK else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open (status \(status))"
      sqlite3_close(handle)
      handle = nil
      throw SQLiteError(path: path, message: message)
    }
  }

  deinit { sqlite3_close(handle) }

  private func error() -> SQLiteError { SQLiteError(path: path, message: String(cString: sqlite3_errmsg(handle))) }

  /// Runs SQL without results (several statements allowed).
  func execute(_ sql: String) throws {
    guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw error() }
  }

  /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// A value to bind to a statement's next parameter.
  enum Value: Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case null
  }

  /// Runs one statement with `values` bound to its parameters in order.
  func run(_ sql: String, _ values: [Value]) throws {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw error() }
    defer { sqlite3_finalize(statement) }
    // SQLITE_TRANSIENT: SQLite copies the bytes before bind returns.
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    for (i, value) in values.enumerated() {
      let k = Int32(i + 1), status: Int32
      switch value {
      case let .integer(v): status = sqlite3_bind_int64(statement, k, v)
      case let .real(v): status = sqlite3_bind_double(statement, k, v)
      case let .text(v): status = sqlite3_bind_text(statement, k, v, -1, transient)
      case let .blob(v):
        status = v.withUnsafeBytes { sqlite3_bind_blob64(statement, k, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64($0.count), transient) }
      case .null: status = sqlite3_bind_null(statement, k)
      }
      guard status == SQLITE_OK else { throw error() }
    }
    guard sqlite3_step(statement) == SQLITE_DONE else { throw error() }
  }

  /// Every row of a query, each column as the value SQLite holds.
  func rows(_ sql: String) throws -> [[Value]] {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw error() }
    defer { sqlite3_finalize(statement) }
    var out: [[Value]] = []
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { return out }
      guard status == SQLITE_ROW else { throw error() }
      out.append((0..<sqlite3_column_count(statement)).map { column in
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, column)))
        case SQLITE_BLOB:
          let count = Int(sqlite3_column_bytes(statement, column))
          guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return .blob(Data()) }
          return .blob(Data(bytes: bytes, count: count))
        default: return .null
        }
      })
    }
  }
}
