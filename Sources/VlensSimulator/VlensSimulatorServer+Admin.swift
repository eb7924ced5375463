import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension VlensSimulatorServer {
    /// `/_simulator/`: faults (GET, PUT), ledger (GET), reset (POST), hold and release (POST: Vlens answers),
    /// tokens (POST), tokens/revoke (POST), health (GET).
    func addAdminRoutes(to router: Router<SimulatorRequestContext>) {
        let admin = router.group("_simulator")
        admin.get("health") { _, _ in try Self.json(["status": "ok"]) }
        admin.get("faults") { _, _ in try Self.json(self.faults) }
        admin.put("faults") { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 1024 * 1024)
            guard let faults = try? JSONDecoder().decode(SimulatorFaults.self, from: buffer) else {
                return try Self.json(["error": "the body is not a valid faults document"], status: .badRequest)
            }
            self.setFaults(faults)
            return try Self.json(faults)
        }
        admin.get("ledger") { request, _ in
            let query = request.uri.queryParameters
            return try Self.json(
                self.ledger(
                    step: query["step"].map(String.init),
                    transactionId: query["transaction_id"].map(String.init),
                    clientTransactionId: query["client_transaction_id"].map(String.init)))
        }
        admin.post("reset") { _, _ in
            self.reset()
            return try Self.json(["status": "reset"])
        }
        admin.post("hold") { _, _ in
            self.holdAnswers()
            return try Self.json(["answers": "held"])
        }
        admin.post("release") { _, _ in
            self.releaseAnswers()
            return try Self.json(["answers": "released"])
        }
        admin.post("tokens") { request, _ in
            struct TokenRequest: Decodable {
                var emailOrPhoneNumber: String
                var admin: Bool?
            }
            var request = request
            let buffer = try await request.collectBody(upTo: 64 * 1024)
            guard let body = try? JSONDecoder().decode(TokenRequest.self, from: buffer) else {
                return try Self.json(["error": "expected {\"emailOrPhoneNumber\": \"...\", \"admin\": false}"], status: .badRequest)
            }
            return try Self.json(self.issueToken(emailOrPhoneNumber: body.emailOrPhoneNumber, isAdmin: body.admin ?? false))
        }
        // `{"tokens": ["..."]}` revokes those tokens (user or admin); `{"all": true}` revokes every user
        // token. Answers `{"revoked": N}`, N the tokens that were known (unknown ones are ignored).
        admin.post("tokens/revoke") { request, _ in
            struct RevokeRequest: Decodable {
                var tokens: [String]?
                var all: Bool?
            }
            var request = request
            let buffer = try await request.collectBody(upTo: 1024 * 1024)
            let usage = "expected {\"tokens\": [\"...\"]} or {\"all\": true}"
            guard let body = try? JSONDecoder().decode(RevokeRequest.self, from: buffer) else {
                return try Self.json(["error": usage], status: .badRequest)
            }
            switch (body.tokens, body.all ?? false) {
            case (let tokens?, false): return try Self.json(["revoked": self.revokeTokens(tokens)])
            case (nil, true): return try Self.json(["revoked": self.revokeAllUserTokens()])
            default: return try Self.json(["error": usage], status: .badRequest)
            }
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }
}
