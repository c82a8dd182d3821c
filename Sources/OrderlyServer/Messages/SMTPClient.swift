import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where customer messages are sent: `ORDERLY_SMTP_URL` (`smtp://[user:password@]host[:port]`,
/// port 25 unless given) and `ORDERLY_SMTP_FROM` (`Shop <shop@example.com>` or a bare address).
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    /// The `From:` header as given.
    public var from: String
    /// A PEM file of certificates trusted beside the system's, for a server whose certificate a
    /// private authority signed (`ORDERLY_SMTP_CA_FILE`).
    public var trustedCertificatesFile: String?

    public init(
        host: String, port: Int, username: String? = nil, password: String? = nil, from: String, trustedCertificatesFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.from = from
        self.trustedCertificatesFile = trustedCertificatesFile
    }

    /// Reads `smtp://…`; nil when it is not such a URL.
    public init?(url text: String, from: String) {
        guard let url = URLComponents(string: text), url.scheme?.lowercased() == "smtp", let host = url.host, !host.isEmpty,
            url.path.isEmpty || url.path == "/"
        else { return nil }
        self.init(
            host: host, port: url.port ?? 25, username: url.user?.removingPercentEncoding, password: url.password?.removingPercentEncoding, from: from
        )
    }

    /// The bare address of `from`, for the envelope: `shop@example.com` of `Shop <shop@example.com>`.
    public var fromAddress: String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else {
            return from.trimmingCharacters(in: .whitespaces)
        }
        return String(from[from.index(after: open)..<close])
    }

    /// Whether `from` can go in a header and an envelope: one line, one `@`.
    public var isValidFrom: Bool {
        !from.contains("\r") && !from.contains("\n") && fromAddress.split(separator: "@").count == 2 && !fromAddress.contains(" ")
    }
}

/// One email: plain text, UTF-8.
public struct Mail: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var body: String
    /// Unique per message: the receiver can tell a resend of the same message.
    public var messageId: String

    public init(to: String, subject: String, body: String, messageId: String) {
        self.to = to
        self.subject = subject
        self.body = body
        self.messageId = messageId
    }

    /// The message as the DATA command carries it: headers, base64 body, CRLF lines, dots stuffed.
    func data(from: String, at date: Date) -> String {
        let subjectLine = subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        let encodedSubject =
            subjectLine.allSatisfy { $0.isASCII } ? subjectLine : "=?UTF-8?B?\(Data(subjectLine.utf8).base64EncodedString())?="
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let bodyText = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encodedBody = Data(bodyText.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let headers = [
            "From: \(from)", "To: <\(to)>", "Subject: \(encodedSubject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageId)@orderly>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encodedBody
    }
}

/// A small SMTP client (RFC 5321): EHLO, STARTTLS when the server offers it, AUTH PLAIN when the
/// URL has a user (only inside TLS), one message per connection. A reply it does not expect is an error naming it.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    public let timeout: Duration

    public init(settings: SMTPSettings, timeout: Duration = .seconds(30)) {
        self.settings = settings
        self.timeout = timeout
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func send(_ mail: Mail) async throws {
        guard !mail.to.contains(where: { "\r\n<> ".contains($0) }), mail.to.contains("@") else {
            throw Failure(description: "'\(mail.to)' is not an email address")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session(mail) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure(description: "the SMTP server did not finish within \(timeout)")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func session(_ mail: Mail) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let settings = settings
        try await channel.executeThenClose { inbound, outbound in
            var replies = Replies(inbound.makeAsyncIterator())
            func command(_ line: String, expect codes: Set<Int>) async throws -> [String] {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await replies.next(expect: codes, after: line.hasPrefix("AUTH") ? "AUTH" : line)
            }
            _ = try await replies.next(expect: [220], after: "connecting")
            var features = try await command("EHLO orderly", expect: [250])
            let offersTLS = features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") })
            if offersTLS {
                _ = try await command("STARTTLS", expect: [220])
                var tls = TLSConfiguration.makeClientConfiguration()
                if let file = settings.trustedCertificatesFile { tls.additionalTrustRoots = [.file(file)] }
                // A literal address is checked against the certificate's IP names; it is not sent as SNI.
                let isAddress = (try? SocketAddress(ipAddress: settings.host, port: 0)) != nil
                let context = try NIOSSLContext(configuration: tls)
                let hostname = isAddress ? nil : settings.host
                // The handler is made and added on the channel's event loop: it is not Sendable.
                let pipeline = channel.channel.pipeline
                try await channel.channel.eventLoop.submit {
                    try pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: hostname), position: .first)
                }.get()
                features = try await command("EHLO orderly", expect: [250])
            }
            if let username = settings.username {
                guard offersTLS else {
                    throw Failure(description: "the SMTP server offers no STARTTLS, and the password is not sent in the clear")
                }
                let token = Data("\0\(username)\0\(settings.password ?? "")".utf8).base64EncodedString()
                _ = try await command("AUTH PLAIN \(token)", expect: [235])
            }
            _ = try await command("MAIL FROM:<\(settings.fromAddress)>", expect: [250])
            _ = try await command("RCPT TO:<\(mail.to)>", expect: [250, 251])
            _ = try await command("DATA", expect: [354])
            let data = mail.data(from: settings.from, at: Date())
            let stuffed = data.split(separator: "\r\n", omittingEmptySubsequences: false).map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            try await outbound.write(ByteBuffer(string: stuffed.joined(separator: "\r\n") + "\r\n.\r\n"))
            _ = try await replies.next(expect: [250], after: "the message")
            _ = try? await command("QUIT", expect: [221])
        }
    }

    /// Reads SMTP replies (`250-first`, `250 last`) off the connection.
    struct Replies {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var buffer = ""

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

        /// The next reply's lines (without their codes); throws unless its code is one of `codes`.
        mutating func next(expect codes: Set<Int>, after what: String) async throws -> [String] {
            var lines: [String] = []
            while true {
                let line = try await nextLine()
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw Failure(description: "the SMTP server answered '\(line)'") }
                lines.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                    guard codes.contains(code) else { throw Failure(description: "the SMTP server refused \(what): \(line)") }
                    return lines
                }
            }
        }

        private mutating func nextLine() async throws -> String {
            while true {
                if let end = buffer.range(of: "\r\n") {
                    let line = String(buffer[..<end.lowerBound])
                    buffer.removeSubrange(..<end.upperBound)
                    return line
                }
                guard var chunk = try await iterator.next() else { throw Failure(description: "the SMTP server closed the connection") }
                buffer += chunk.readString(length: chunk.readableBytes) ?? ""
            }
        }
    }
}
