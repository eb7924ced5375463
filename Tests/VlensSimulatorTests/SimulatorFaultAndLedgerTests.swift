import VlensAPI
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import VlensSimulator

@Suite("Simulator faults and ledger", .timeLimit(.minutes(2)))
struct SimulatorFaultAndLedgerTests {
    @Test("injected 500, 503 and 429 (with and without Retry-After) answer as configured, within the budget")
    func statusFaults() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            server.setFaults(SimulatorFaults(error500Rate: 1, budget: 1, rateLimit: .unlimited))
            #expect(try await http.front(SimulatorImages.front(person: "a")).status == 500)
            #expect(try await http.front(SimulatorImages.front(person: "a")).status == 200)  // budget spent

            server.setFaults(SimulatorFaults(error503Rate: 1, rateLimit: .unlimited))
            #expect(try await http.front(SimulatorImages.front(person: "a")).status == 503)

            server.setFaults(SimulatorFaults(error429Rate: 1, retryAfterSeconds: 7, rateLimit: .unlimited))
            let limited = try await http.front(SimulatorImages.front(person: "a"))
            #expect(limited.status == 429 && limited.headers["retry-after"] == "7")

            server.setFaults(SimulatorFaults(error429NoRetryAfterRate: 1, rateLimit: .unlimited))
            let bare = try await http.front(SimulatorImages.front(person: "a"))
            #expect(bare.status == 429 && bare.headers["retry-after"] == nil)
        }
    }

    @Test("malformed answers: 200s with a 40 MB body, a truncated JSON body, or HTML; the step is not processed")
    func malformedAnswers() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            server.setFaults(SimulatorFaults(hugeResponseRate: 1, budget: 1, rateLimit: .unlimited))
            var request = HTTPClientRequest(url: http.baseURL + SimulatorHTTP.front)
            request.method = .POST
            request.headers.add(name: "ApiKey", value: http.apiKey)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"image":"eA=="}"#))
            let huge = try await http.client.execute(request, timeout: .seconds(30))
            #expect(huge.status == .ok)
            #expect(try await huge.body.collect(upTo: 64 << 20).readableBytes > 40_000_000)

            server.setFaults(SimulatorFaults(truncatedResponseRate: 1, budget: 1, rateLimit: .unlimited))
            let truncated = try await http.front(SimulatorImages.front(person: "a"))
            #expect(truncated.status == 200 && truncated.json.isEmpty)

            server.setFaults(SimulatorFaults(nonJSONResponseRate: 1, budget: 1, rateLimit: .unlimited))
            let html = try await http.front(SimulatorImages.front(person: "a"))
            #expect(html.status == 200 && html.headers["content-type"] == "text/html" && html.json.isEmpty)

            let ledger = server.ledger()
            #expect(ledger.totals.byOutcome["fault_huge"] == 1)
            #expect(ledger.totals.byOutcome["fault_truncated"] == 1)
            #expect(ledger.totals.byOutcome["fault_not_json"] == 1)
            #expect(ledger.calls.allSatisfy { $0.transactionId == nil }, "no transaction was created")
        }
    }

    @Test("held answers wait until released (POST /_simulator/hold, /_simulator/release); the call is then processed")
    func holdAndRelease() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            #expect(try await http.post("/_simulator/hold", [:]).status == 200)
            let call = Task { try await http.front(SimulatorImages.front(person: "a")).status }
            let deadline = ContinuousClock.now + .seconds(30)
            while server.callsHeld == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.callsHeld == 1 && server.callsUnderWay == 1, "the call arrived and waits")
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.ledger().totals.calls == 0, "a held call is not answered or recorded")
            #expect(try await http.post("/_simulator/release", [:]).status == 200)
            #expect(try await call.value == 200)
            #expect(server.ledger().totals.calls == 1)
            #expect(server.callsHeld == 0 && server.callsUnderWay == 0)

            server.holdAnswers()
            let second = Task { try await http.front(SimulatorImages.front(person: "b")).status }
            try await Task.sleep(for: .milliseconds(300))
            server.reset()  // releases held answers too
            #expect(try await second.value == 200)
        }
    }

    @Test("faults can be limited to some steps")
    func stepFilter() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            server.setFaults(SimulatorFaults(error503Rate: 1, steps: ["id_back"], rateLimit: .unlimited))
            let front = try await http.front(SimulatorImages.front(person: "a"))
            #expect(front.status == 200)
            #expect(try await http.back(SimulatorImages.back(person: "a")).status == 503)
        }
    }

    @Test("a hung request never answers; a reset closes the connection")
    func hangAndReset() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            server.setFaults(SimulatorFaults(hangRate: 1, rateLimit: .unlimited))
            var request = HTTPClientRequest(url: http.baseURL + SimulatorHTTP.front)
            request.method = .POST
            request.headers.add(name: "ApiKey", value: http.apiKey)
            request.body = .bytes(ByteBuffer(string: #"{"image":"eA=="}"#))
            await #expect(throws: HTTPClientError.deadlineExceeded) {
                _ = try await http.client.execute(request, timeout: .seconds(3))  // it never answers: the deadline only has to outlast the request's way to a loaded server
            }
            let afterHang = try await server.ledger(afterCalls: 1)
            #expect(afterHang.totals.byOutcome["hung"] == 1)
            server.setFaults(SimulatorFaults(resetRate: 1, rateLimit: .unlimited))
            await #expect(throws: (any Error).self) {
                let response = try await http.client.execute(request, timeout: .seconds(5))
                _ = try await response.body.collect(upTo: 1 << 20)
            }
            let afterReset = try await server.ledger(afterCalls: 2)
            #expect(afterReset.totals.byOutcome["reset"] == 1)
        }
    }

    @Test("a lost reply: the step is processed (a transaction exists), then the connection resets or the answer never comes")
    func lostReplies() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            server.setFaults(SimulatorFaults(hangSeconds: 30, replyLostResetRate: 1, budget: 1, rateLimit: .unlimited))
            var request = HTTPClientRequest(url: http.baseURL + SimulatorHTTP.front)
            request.method = .POST
            request.headers.add(name: "ApiKey", value: http.apiKey)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"image":"\#(SimulatorImages.front(person: "a"))","request_id":"req-lost"}"#))
            await #expect(throws: (any Error).self) {
                let response = try await http.client.execute(request, timeout: .seconds(5))
                _ = try await response.body.collect(upTo: 1 << 20)
            }
            server.setFaults(SimulatorFaults(hangSeconds: 30, replyLostHangRate: 1, budget: 1, rateLimit: .unlimited))
            await #expect(throws: HTTPClientError.deadlineExceeded) {
                _ = try await http.client.execute(request, timeout: .seconds(3))
            }
            let ledger = try await server.ledger(afterCalls: 2)
            #expect(ledger.calls.map(\.outcome) == ["ok", "ok"], "both calls were processed")
            #expect(ledger.calls.allSatisfy { $0.replyLost })
            #expect(ledger.calls.allSatisfy { $0.transactionId != nil && $0.requestId == "req-lost" }, "each created a transaction")
            #expect(try await http.front(SimulatorImages.front(person: "a")).status == 200, "the budget is spent")
            #expect(server.ledger().calls.last?.replyLost == false)
        }
    }

    @Test("the faults endpoint reads and replaces the faults; partial documents take defaults")
    func faultsEndpoint() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            var request = HTTPClientRequest(url: http.baseURL + "/_simulator/faults")
            request.method = .PUT
            request.body = .bytes(ByteBuffer(string: #"{"error_503_rate":0.25,"latency":{"distribution":"lognormal","p50_ms":5,"p99_ms":40},"rate_limit":{"per_second":null,"per_minute":100}}"#))
            let put = try await http.send(request)
            #expect(put.status == 200)
            #expect(server.faults.error503Rate == 0.25)
            #expect(server.faults.latency == .logNormal(p50Milliseconds: 5, p99Milliseconds: 40))
            #expect(server.faults.rateLimit == RateLimit(perSecond: nil, perMinute: 100))
            let get = try await http.get("/_simulator/faults")
            #expect(get.json["error_503_rate"] as? Double == 0.25)
            #expect((get.json["latency"] as? [String: Any])?["distribution"] as? String == "lognormal")
        }
    }

    @Test("latency distributions draw within their bounds")
    func latencySamples() {
        #expect(LatencyDistribution.none.sample() == .zero)
        #expect(LatencyDistribution.fixed(milliseconds: 20).sample() == .milliseconds(20))
        for _ in 0..<100 {
            let uniform = LatencyDistribution.uniform(minMilliseconds: 5, maxMilliseconds: 10).sample()
            #expect(uniform >= .milliseconds(5) && uniform <= .milliseconds(10))
            #expect(LatencyDistribution.logNormal(p50Milliseconds: 50, p99Milliseconds: 500).sample() > .zero)
        }
        #expect(LatencyDistribution(argument: "uniform:5-10") == .uniform(minMilliseconds: 5, maxMilliseconds: 10))
        #expect(LatencyDistribution(argument: "lognormal:80,600") == .logNormal(p50Milliseconds: 80, p99Milliseconds: 600))
        #expect(LatencyDistribution(argument: "bogus") == nil)
    }

    @Test("the ledger counts every call per (step, transaction) with its request ids, rejected calls included")
    func ledger() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            let front = try await http.post(
                SimulatorHTTP.front,
                ["image": SimulatorImages.front(person: "a"), "client_transaction_id": "cap-1", "request_id": "r1"])
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            server.setFaults(SimulatorFaults(error503Rate: 1, budget: 1, rateLimit: .unlimited))
            for requestId in ["r2", "r2"] {
                _ = try await http.post(
                    SimulatorHTTP.back,
                    ["image": SimulatorImages.back(person: "a"), "transaction_id": id, "client_transaction_id": "cap-1",
                     "request_id": requestId])
            }
            _ = try await http.post(SimulatorHTTP.back, ["image": "x", "transaction_id": id], apiKey: "wrong")

            let ledger = server.ledger(transactionId: id)
            #expect(ledger.callCount(step: "id_front", transactionId: id) == 1)
            #expect(ledger.callCount(step: "id_back", clientTransactionId: "cap-1") == 2)
            let back = try #require(ledger.entries.first { $0.step == "id_back" && $0.clientTransactionId == "cap-1" })
            #expect(back.requestIds == ["r2", "r2"])
            #expect(back.outcomes == ["fault_503", "ok"])
            #expect(ledger.entries.contains { $0.step == "id_back" && $0.outcomes == ["http_401"] })
            #expect(ledger.totals.calls == 4)
            #expect(ledger.totals.byStep == ["id_front": 1, "id_back": 3])

            let viaEndpoint = try await http.get("/_simulator/ledger?step=id_back&client_transaction_id=cap-1")
            let entries = try #require(viaEndpoint.json["entries"] as? [[String: Any]])
            #expect(entries.count == 1 && entries[0]["calls"] as? Int == 2)
            #expect((viaEndpoint.json["totals"] as? [String: Any])?["calls"] as? Int == 4)

            var reset = HTTPClientRequest(url: http.baseURL + "/_simulator/reset")
            reset.method = .POST
            #expect(try await http.send(reset).status == 200)
            #expect(server.ledger().totals.calls == 0)
            #expect(try await http.back(SimulatorImages.back(person: "a"), transactionId: id).status == 400)
        }
    }
}
