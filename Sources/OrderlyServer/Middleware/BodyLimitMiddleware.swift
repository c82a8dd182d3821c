import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderlyCore

/// Refuses request bodies larger than the configured limit (413) before any handler reads
/// them, and NUL characters in a query or JSON body (400). JSON bodies are collected up to the limit; the CSV import streams and checks as it reads.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let maxImportBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let streaming = request.uri.path == "/v1/inventory/import"
        let limit = streaming ? maxImportBytes : maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw OrderlyError(.payloadTooLarge, "The body is \(length) bytes; at most \(limit) are accepted here")
        }
        // NUL characters are refused everywhere: PostgreSQL cannot store them in text, and no
        // identifier, name or note needs one (found by fuzzing: a 500 on PostgreSQL only).
        if request.uri.string.range(of: "%00") != nil {
            throw OrderlyError.invalid("query", "must not contain NUL characters")
        }
        guard !streaming, [.post, .put, .patch, .delete].contains(request.method) else {
            return try await next(request, context)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw OrderlyError(.payloadTooLarge, "The body is larger than the \(limit) bytes accepted here")
        }
        if body.readableBytesView.contains(0) || String(buffer: body).range(of: "\\u0000", options: .caseInsensitive) != nil {
            throw OrderlyError.invalid("body", "must not contain NUL characters")
        }
        // An action POST (`/receive`, later `/cancel`, `/accept`…) may be sent with no body at all.
        // The generated decoder would read that as malformed JSON, so an empty, untyped body is
        // read as the empty object: optional bodies then mean "no options", required ones name
        // their missing fields.
        if body.readableBytes == 0, request.headers[.contentType] == nil {
            var head = request.head
            head.headerFields[.contentType] = "application/json"
            request = Request(head: head, body: .init(buffer: ByteBuffer(string: "{}")))
        }
        return try await next(request, context)
    }
}
