import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension VlensSimulatorServer {
    static let apiKeyField = HTTPFields.Element.Name("ApiKey")!  // HTTPField itself is not re-exported
    static let retryAfterField = HTTPFields.Element.Name("Retry-After")!
    static let traceparentField = HTTPFields.Element.Name("traceparent")!

    func makeRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        for step in [SimulatorStep.idFront, .idBack, .liveness, .link] {
            router.post(RouterPath(step.path)) { request, context in
                try await self.serve(step, request, context)
            }
        }
        for step in [SimulatorStep.userImages, .stepImage] {
            router.get(RouterPath(step.path)) { request, context in
                try await self.serve(step, request, context)
            }
        }
        addAdminRoutes(to: router)
        return router
    }

    /// One Vlens call: read it, inject latency and faults, then apply the rules.
    func serve(_ step: SimulatorStep, _ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
        // The rate limit counts a call when it arrives, as a gateway in front of Vlens would, not
        // after its body, its processing time or a fault.
        let arrived = Int64(Date().timeIntervalSince1970 * 1000)
        openCalls.withLock { $0 += 1 }
        defer { openCalls.withLock { $0 -= 1 } }
        var request = request
        var call = SimulatorCall(step: step, apiKey: request.headers[Self.apiKeyField], authorization: request.headers[.authorization])
        call.traceparent = request.headers[Self.traceparentField]
        if step.isAdmin {
            for (key, value) in request.uri.queryParameters { call.query[String(key)] = String(value) }
        } else {
            let buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
            if let contentType = request.headers[.contentType], !contentType.lowercased().contains("json") {
                call.unsupportedMediaType = true
            }
            call.body = try? JSONDecoder().decode(SimulatorCall.Body.self, from: buffer)
        }

        let (latency, fault) = engine.withLock { engine in (engine.faults.latency, engine.drawFault(for: step)) }
        let delay = latency.sample()
        if delay > .zero { try await Task.sleep(for: delay) }
        if let hold = answerHold.withLock({ $0 }) {
            heldCalls.withLock { $0 += 1 }
            defer { heldCalls.withLock { $0 -= 1 } }
            try await hold.wait()
        }

        if let fault {
            let reply = engine.withLock { $0.recordFault(call, fault) }
            switch fault {
            case .reset:
                await resetConnection(context.channel)
                return Response(status: .internalServerError)
            case .hang(let seconds), .stall(let seconds):
                try await Task.sleep(for: .seconds(seconds))
                return Response(status: .gatewayTimeout)
            case .status(503, _):
                var headers = HTTPFields()
                headers[.contentType] = "text/html"
                let html = "<html><body><h1>503 Service Unavailable</h1></body></html>"
                return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
            case .status:
                return try Self.response(reply)
            case .malformed(let body):
                return Self.malformedResponse(body)
            }
        }
        let (reply, replyLoss) = engine.withLock { engine in
            let loss = engine.drawReplyLoss(for: step)
            return (engine.handle(call, nowMilliseconds: arrived, replyLost: loss != nil), loss)
        }
        switch replyLoss {
        case .reset?:
            await resetConnection(context.channel)
            return Response(status: .internalServerError)
        case .hang(let seconds)?:
            try await Task.sleep(for: .seconds(seconds))
            return Response(status: .gatewayTimeout)
        case .stall(let seconds)?:
            return try Self.stalledResponse(reply, seconds: seconds)
        default:
            return try Self.response(reply)
        }
    }

    /// `reply` whose head and first half go out at once and the rest after `seconds`.
    static func stalledResponse(_ reply: SimulatorReply, seconds: Int) throws -> Response {
        var response = try response(reply)
        var rest = ByteBuffer(data: try JSONEncoder().encode(reply.body))
        let half = rest.readSlice(length: rest.readableBytes / 2) ?? ByteBuffer()
        response.body = ResponseBody(contentLength: half.readableBytes + rest.readableBytes) { [rest] writer in
            try await writer.write(half)
            try await Task.sleep(for: .seconds(seconds))
            try await writer.write(rest)
            try await writer.finish(nil)
        }
        return response
    }

    static func response(_ reply: SimulatorReply) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter = reply.retryAfterSeconds { headers[retryAfterField] = String(retryAfter) }
        let data = try JSONEncoder().encode(reply.body)
        return Response(
            status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// A 200 answer no client can use: 40 MB of JSON string, a JSON body cut off, or an HTML page.
    static func malformedResponse(_ body: SimulatorEngine.MalformedBody) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = body == .notJSON ? "text/html" : "application/json; charset=utf-8"
        var buffer = ByteBuffer()
        switch body {
        case .huge:
            buffer.writeString(#"{"data": ""#)
            buffer.writeRepeatingByte(UInt8(ascii: "x"), count: 40 << 20)
            buffer.writeString(#""}"#)
        case .truncated:
            buffer.writeString(#"{"data": {"transaction_id": "7f3e", "idFrontData": {"#)
        case .notJSON:
            buffer.writeString("<html><body><h1>Bad gateway</h1></body></html>")
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    /// Closes the connection with a TCP RST (SO_LINGER 0) instead of answering.
    private func resetConnection(_ channel: any Channel) async {
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}
