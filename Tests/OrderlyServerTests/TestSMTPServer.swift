import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// An SMTP server on loopback for the message tests: it speaks just enough of RFC 5321 to take
/// mail (EHLO, MAIL, RCPT, DATA, QUIT) and keeps what it received. `refuseRecipients` answers
/// 550 to every RCPT, as a server rejecting an address does. With `tls` it offers STARTTLS with
/// that certificate; with `credentials` it takes mail only after AUTH PLAIN with them.
final class TestSMTPServer: Sendable {
    struct Received: Sendable, Equatable {
        var from: String
        var to: [String]
        var headers: [String: String]
        /// The body, base64 decoded.
        var body: String
        /// Whether the message came inside TLS, and the user who signed in for it.
        var overTLS = false
        var user: String?
        var subject: String { headers["Subject"] ?? "" }
    }

    actor Mailbox {
        var mails: [Received] = []
        func add(_ mail: Received) { mails.append(mail) }
    }

    let port: Int
    let mailbox: Mailbox
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let task: Task<Void, Never>

    private init(port: Int, mailbox: Mailbox, server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, task: Task<Void, Never>) {
        self.port = port
        self.mailbox = mailbox
        self.server = server
        self.task = task
    }

    var mails: [Received] { get async { await mailbox.mails } }

    struct Credentials: Sendable {
        var username: String
        var password: String
    }

    static func start(
        refuseRecipients: Bool = false, tls: NIOSSLContext? = nil, credentials: Credentials? = nil
    ) async throws -> TestSMTPServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child) }
            }
        let port = server.channel.localAddress?.port ?? 0
        let mailbox = Mailbox()
        let task = Task<Void, Never> {
            _ = try? await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask {
                            try? await Self.session(
                                connection, mailbox: mailbox, refuseRecipients: refuseRecipients, tls: tls, credentials: credentials)
                        }
                    }
                }
            }
        }
        return TestSMTPServer(port: port, mailbox: mailbox, server: server, task: task)
    }

    func stop() async {
        try? await server.channel.close()
        task.cancel()
    }

    private static func session(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, mailbox: Mailbox, refuseRecipients: Bool, tls: NIOSSLContext?,
        credentials: Credentials?
    ) async throws {
        let channel = connection.channel
        try await connection.executeThenClose { inbound, outbound in
            func say(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
            try await say("220 test ESMTP")
            var buffer = ""
            var from = ""
            var to: [String] = []
            var data: [String]?
            var overTLS = false
            var user: String?
            for try await var chunk in inbound {
                buffer += chunk.readString(length: chunk.readableBytes) ?? ""
                while let end = buffer.range(of: "\r\n") {
                    let line = String(buffer[..<end.lowerBound])
                    buffer.removeSubrange(..<end.upperBound)
                    if var lines = data {
                        if line == "." {
                            data = nil
                            var mail = Self.parse(from: from, to: to, lines: lines)
                            mail.overTLS = overTLS
                            mail.user = user
                            await mailbox.add(mail)
                            to = []
                            try await say("250 queued")
                        } else {
                            lines.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                            data = lines
                        }
                        continue
                    }
                    let verb = line.prefix(4).uppercased()
                    switch verb {
                    case "EHLO", "HELO":
                        let starttls = tls != nil && !overTLS ? "250-STARTTLS\r\n" : ""
                        let auth = credentials != nil ? "250-AUTH PLAIN\r\n" : ""
                        try await say("250-test\r\n\(starttls)\(auth)250 8BITMIME")
                    case "STAR" where tls != nil && !overTLS:
                        // The handshake's first bytes may follow the reply at once: the handler is in
                        // place on the event loop as soon as the reply has been written.
                        try await channel.writeAndFlush(ByteBuffer(string: "220 go ahead\r\n")).flatMapThrowing {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls!), position: .first)
                        }.get()
                        overTLS = true
                        buffer = ""
                    case "AUTH":
                        let token = line.split(separator: " ").dropFirst(2).first.map(String.init) ?? ""
                        let parts =
                            Data(base64Encoded: token).flatMap { String(data: $0, encoding: .utf8) }?
                            .split(separator: "\0", omittingEmptySubsequences: false).map(String.init) ?? []
                        if let credentials, parts.count == 3, parts[1] == credentials.username, parts[2] == credentials.password {
                            user = parts[1]
                            try await say("235 welcome")
                        } else {
                            try await say("535 authentication failed")
                        }
                    case "MAIL" where credentials != nil && user == nil: try await say("530 sign in first")
                    case "MAIL":
                        from = Self.address(line)
                        try await say("250 ok")
                    case "RCPT":
                        if refuseRecipients {
                            try await say("550 no such mailbox")
                        } else {
                            to.append(Self.address(line))
                            try await say("250 ok")
                        }
                    case "DATA":
                        data = []
                        try await say("354 go ahead")
                    case "QUIT":
                        try await say("221 bye")
                        return
                    default: try await say("500 what")
                    }
                }
            }
        }
    }

    private static func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">") else { return "" }
        return String(line[line.index(after: open)..<close])
    }

    private static func parse(from: String, to: [String], lines: [String]) -> Received {
        var headers: [String: String] = [:]
        var index = 0
        while index < lines.count, !lines[index].isEmpty {
            if let colon = lines[index].firstIndex(of: ":") {
                headers[String(lines[index][..<colon])] = lines[index][lines[index].index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            index += 1
        }
        let encoded = lines.dropFirst(index + 1).joined()
        let body = Data(base64Encoded: encoded).flatMap { String(data: $0, encoding: .utf8) } ?? encoded
        if let subject = headers["Subject"], subject.hasPrefix("=?UTF-8?B?"), subject.hasSuffix("?=") {
            let inner = subject.dropFirst(10).dropLast(2)
            headers["Subject"] = Data(base64Encoded: String(inner)).flatMap { String(data: $0, encoding: .utf8) } ?? subject
        }
        return Received(from: from, to: to, headers: headers, body: body.replacingOccurrences(of: "\r\n", with: "\n"))
    }
}
