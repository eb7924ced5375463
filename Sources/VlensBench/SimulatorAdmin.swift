import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import VlensSimulator

/// The simulator's admin routes the driver uses: reset before a run, the ledger after it.
struct SimulatorAdmin: Sendable {
    let baseURL: String
    let httpClient: HTTPClient

    func reset() async throws {
        var request = HTTPClientRequest(url: baseURL + "/_simulator/reset")
        request.method = .POST
        _ = try await httpClient.execute(request, timeout: .seconds(10))
    }

    func ledger() async throws -> SimulatorLedger {
        let response = try await httpClient.execute(HTTPClientRequest(url: baseURL + "/_simulator/ledger"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 512 << 20)
        return try JSONDecoder().decode(SimulatorLedger.self, from: body)
    }

    /// Whether the worker's `/health/ready` says ready (joined, partitions assigned, store reachable).
    static func isReady(port: Int, httpClient: HTTPClient) async -> Bool {
        guard let response = try? await httpClient.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/health/ready"), timeout: .seconds(2)),
            let body = try? await response.body.collect(upTo: 64 << 10)
        else { return false }
        return String(buffer: body).contains(#""status":"ready""#)
    }
}

extension SimulatorLedger {
    /// Calls per `request_id` (the worker sends the capture's eventId as the request id).
    var callsByRequestID: [String: Int] {
        var counts: [String: Int] = [:]
        for entry in entries {
            for id in entry.requestIds { if let id { counts[id, default: 0] += 1 } }
        }
        return counts
    }

    /// Calls refused with 429 (the rate limit's and injected ones).
    var rateLimitedCalls: Int {
        totals.byOutcome.filter { $0.key.hasPrefix("rate_limited") || $0.key.hasPrefix("fault_429") }.values.reduce(0, +)
    }
}
