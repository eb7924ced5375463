import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
@testable import VlensSimulator

/// Raw HTTP against a running simulator, parsed with `JSONSerialization` (independent of the Vlens client).
struct SimulatorHTTP {
    let baseURL: String
    let apiKey: String
    let client: HTTPClient

    struct Reply {
        var status: Int
        var headers: [String: String]
        var json: [String: Any]

        var data: [String: Any]? { json["data"] as? [String: Any] }
        var services: [String: Any]? { json["services"] as? [String: Any] }
        var errorCode: Int? { json["error_code"] as? Int }
        func object(_ path: String...) -> [String: Any]? {
            path.reduce(json as Any?) { ($0 as? [String: Any])?[$1] } as? [String: Any]
        }
        func value(_ path: String...) -> Any? {
            path.reduce(json as Any?) { ($0 as? [String: Any])?[$1] }
        }
    }

    static let apiKey = "sim-test-key"

    /// Runs `body` against a simulator started on port 0 with `faults` (unlimited rate by default).
    static func withSimulator<T: Sendable>(
        faults: SimulatorFaults = SimulatorFaults(rateLimit: .unlimited),
        tenantRequiresAuthorityChecks: Bool = false,
        _ body: (VlensSimulatorServer, SimulatorHTTP) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "simulator-test")
        logger.logLevel = .critical
        let configuration = SimulatorConfiguration(
            apiKeys: [apiKey], tenantRequiresAuthorityChecks: tenantRequiresAuthorityChecks, faults: faults)
        return try await VlensSimulatorServer.withRunning(configuration: configuration, logger: logger) { server, url in
            try await withClient(url) { http in try await body(server, http) }
        }
    }

    /// Runs `body` with an HTTP client for `baseURL`, shut down afterwards.
    static func withClient<T: Sendable>(_ baseURL: String, _ body: (SimulatorHTTP) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(SimulatorHTTP(baseURL: baseURL, apiKey: apiKey, client: client))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func post(
        _ path: String, _ body: [String: Any], apiKey: String? = nil, bearer: String? = nil,
        contentType: String = "application/json"
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "ApiKey", value: apiKey ?? self.apiKey)
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        return try await send(request)
    }

    func get(_ pathAndQuery: String, bearer: String? = nil, apiKey: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + pathAndQuery)
        request.headers.add(name: "ApiKey", value: apiKey ?? self.apiKey)
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        return try await send(request)
    }

    func send(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await client.execute(request, timeout: .seconds(60))  // a loaded machine queues calls for the pool's connections
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers, json: json)
    }

    // MARK: Steps

    static let front = "/api/DigitalIdentity/verify/id/front"
    static let back = "/api/DigitalIdentity/verify/id/back"
    static let liveness = "/api/DigitalIdentity/verify/liveness/multi"
    static let link = "/api/DigitalIdentity/LinkUserWithExistingTransaction"

    func front(_ image: String, transactionId: String? = nil, bearer: String? = nil, requestId: String? = nil)
        async throws -> Reply
    {
        var body: [String: Any] = ["image": image, "getExtractedData": true]
        body["transaction_id"] = transactionId
        body["request_id"] = requestId
        return try await post(Self.front, body, bearer: bearer)
    }

    func back(_ image: String, transactionId: String? = nil, bearer: String? = nil) async throws -> Reply {
        var body: [String: Any] = ["image": image, "getExtractedData": true]
        body["transaction_id"] = transactionId
        return try await post(Self.back, body, bearer: bearer)
    }

    func liveness(
        idImage: String, faces: [String], transactionId: String, bearer: String? = nil
    ) async throws -> Reply {
        try await post(
            Self.liveness,
            [
                "image": idImage, "face_1": faces[0], "face_2": faces[1], "face_3": faces[2],
                "transaction_id": transactionId, "getExtractedData": true,
            ], bearer: bearer)
    }

    /// Front, back and liveness for `person`; returns the transaction id and the liveness reply.
    func completeFlow(person: String, bearer: String? = nil, frontOutcomes: [SimulatorOutcome] = [])
        async throws -> (String, Reply)
    {
        let frontImage = SimulatorImages.image(person: person, outcomes: frontOutcomes, kind: "id-front", padding: 64)
        let front = try await front(frontImage, bearer: bearer)
        let id = try require(front.object("data", "idFrontData")?["transaction_id"] as? String)
        _ = try await back(SimulatorImages.back(person: person), transactionId: id, bearer: bearer)
        let reply = try await liveness(
            idImage: frontImage, faces: SimulatorImages.faces(person: person), transactionId: id, bearer: bearer)
        return (id, reply)
    }
}

struct MissingValue: Error {}

/// `#require` for non-test contexts in helpers.
func require<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingValue() }
    return value
}
