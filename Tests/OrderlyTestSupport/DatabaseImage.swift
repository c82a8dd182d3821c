import Foundation
import OrderlyStore
import SQLKit

/// Every row of every table, as text, so that a test can prove that a refused request changed
/// nothing: take an image before, send it, take one after and compare them. Rows are sorted
/// (tables have no order of their own); migrations' bookkeeping is left out.
public struct DatabaseImage: Equatable, Sendable, CustomStringConvertible {
    public var tables: [String: [String]]

    public static func of(_ database: Database) async throws -> DatabaseImage {
        try await database.read { db in
            let names: [String]
            if db.dialect.name == "postgresql" {
                names = try await db.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()").all()
                    .map { try $0.decode(column: "name", as: String.self) }
            } else {
                names = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
                    .map { try $0.decode(column: "name", as: String.self) }
            }
            var tables: [String: [String]] = [:]
            for name in names where name != "schema_migrations" {
                let rows = try await db.raw("SELECT * FROM \(ident: name)").all()
                tables[name] = rows.map(Self.text).sorted()
            }
            return DatabaseImage(tables: tables)
        }
    }

    /// The tables whose rows differ from `other`'s.
    public func changedTables(since other: DatabaseImage) -> [String] {
        Set(tables.keys).union(other.tables.keys).filter { tables[$0] != other.tables[$0] }.sorted()
    }

    public var description: String { tables.map { "\($0.key): \($0.value.count) rows" }.sorted().joined(separator: ", ") }

    private static func text(_ row: any SQLRow) -> String {
        row.allColumns.sorted().map { column in
            let value =
                (try? row.decodeNil(column: column)) == true
                ? "NULL"
                : read(row, column, String.self) ?? read(row, column, Int64.self) ?? read(row, column, Double.self)
                    ?? read(row, column, Bool.self) ?? read(row, column, Data.self).map { $0.base64EncodedString() } ?? "?"
            return "\(column)=\(value)"
        }.joined(separator: "|")
    }

    private static func read<T: Decodable>(_ row: any SQLRow, _ column: String, _ type: T.Type) -> String? {
        (try? row.decode(column: column, as: T.self)).map { "\($0)" }
    }

    private static func read(_ row: any SQLRow, _ column: String, _ type: Data.Type) -> Data? {
        try? row.decode(column: column, as: Data.self)
    }
}
