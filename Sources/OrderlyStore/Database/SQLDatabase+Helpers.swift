import Foundation
import NIOCore
import OrderlyCore
import SQLKit

/// An `SQLDatabase` of ours whose statements run in its `async` `execute`: SQLKit's
/// future-based entry point forwards to that (the SQLite and PostgreSQL sessions).
protocol AsyncSQLDatabase: SQLDatabase {}

extension AsyncSQLDatabase {
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await execute(sql: query, onRow) }
    }
}

extension SQLDatabase {
    /// The engine this connection speaks to: the one place that tells them apart by dialect.
    var engine: Engine { dialect.name == "postgresql" ? .postgres : .sqlite }

    /// `FOR UPDATE` where the engine needs row locks. SQLite serializes writers on the file
    /// lock (and Orderly's single writer connection), so it needs none.
    var forUpdate: SQLQueryString {
        engine == .postgres ? " FOR UPDATE" : ""
    }

    /// `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that several server instances claiming
    /// background work never take the same row.
    var forUpdateSkipLocked: SQLQueryString {
        engine == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
    }
}

extension SQLQueryString {
    /// A column list, each name qualified by `table` (a table's name or alias in a join) when
    /// given: `id, name` or `loc.id, loc.name`.
    static func columns(_ names: [String], of table: String? = nil) -> SQLQueryString {
        "\(unsafeRaw: names.map { (table.map { "\($0)." } ?? "") + $0 }.joined(separator: ", "))"
    }

    /// `INSERT INTO \(into) VALUES \(values)\(then)`: `into` is `table (columns)`, `values` one or
    /// more parenthesised rows (`rows`), `then` what follows them (`ON CONFLICT …`, `RETURNING …`).
    static func insert(into: String, values: SQLQueryString, then: String = "") -> SQLQueryString {
        "INSERT INTO \(unsafeRaw: into) VALUES \(values)\(unsafeRaw: then)"
    }

    /// `(…), (…), …`: one parenthesised row per item, for a multi-row `VALUES` list, so that
    /// writing many rows costs one round trip. `items` must not be empty.
    static func rows<Item>(_ items: some Sequence<Item>, _ row: (Item) -> SQLQueryString) -> SQLQueryString {
        var list = SQLQueryString("")
        for (i, item) in items.enumerated() {
            list.appendInterpolation(SQLQueryString(i == 0 ? "(" : ", ("))
            list.appendInterpolation(row(item))
            list.appendInterpolation(SQLQueryString(")"))
        }
        return list
    }
}

extension SQLQueryString {
    /// `column LIKE '%text%'` with `text` bound and its `%`, `_` and backslashes escaped by a
    /// backslash, so that search text matches itself (a `q` of `%` used to match every row).
    /// The escape character is named on both engines: PostgreSQL's default, SQLite has none.
    static func contains(_ column: String, _ text: String) -> SQLQueryString {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "\(unsafeRaw: column) LIKE \(bind: "%" + escaped + "%") ESCAPE '\\'"
    }
}

/// JSON stored in TEXT columns (addresses, attributes, policies, event data): the same
/// representation on both engines, with sorted keys so equal values are equal text.
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    func date(_ column: String) throws -> Date { Date(millisecondsSince1970: try int64(column)) }
    func optionalDate(_ column: String) throws -> Date? { try optionalInt64(column).map(Date.init(millisecondsSince1970:)) }
    func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        try StoredJSON.decode(type, from: string(column))
    }
}

/// A page of a list and the cursor that continues it (`nil` on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Clamps a client's `limit` to what the API allows.
func pageSize(_ limit: Int?) throws(OrderlyError) -> Int {
    guard let limit else { return Limits.defaultPageSize }
    guard (1...Limits.maxPageSize).contains(limit) else {
        throw OrderlyError.invalid("limit", "must be between 1 and \(Limits.maxPageSize)")
    }
    return limit
}

extension Date {
    /// The storage form of `now` for a use case.
    var stored: Int64 { millisecondsSince1970 }
}
