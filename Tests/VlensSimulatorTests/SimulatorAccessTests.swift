import VlensAPI
import AsyncHTTPClient
import NIOCore
import Testing

@testable import VlensSimulator

@Suite("Simulator authentication and rate limits", .timeLimit(.minutes(2)))
struct SimulatorAccessTests {
    @Test("a wrong or missing ApiKey gets 401")
    func apiKey() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let wrong = try await http.post(SimulatorHTTP.front, ["image": SimulatorImages.front(person: "a")], apiKey: "nope")
            #expect(wrong.status == 401)
            #expect(wrong.json.keys.contains("error_code"))
        }
    }

    @Test("bearer tokens must be configured or issued; API-key-only captures are accepted")
    func bearer() async throws {
        var faults = SimulatorFaults(rateLimit: .unlimited)
        faults.latency = .none
        let configuration = SimulatorConfiguration(
            apiKeys: [SimulatorHTTP.apiKey], tokens: [SimulatorToken(token: "configured", emailOrPhoneNumber: "u@x")],
            faults: faults)
        try await VlensSimulatorServer.withRunning(configuration: configuration) { server, url in
            try await SimulatorHTTP.withClient(url) { http in
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: "configured").status == 200)
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: "unknown").status == 401)
                #expect(try await http.front(SimulatorImages.front(person: "a")).status == 200)
                let issued = server.issueToken(emailOrPhoneNumber: "v@x")
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: issued.token).status == 200)
                let viaEndpoint = try await http.post("/_simulator/tokens", ["emailOrPhoneNumber": "w@x"])
                let token = try #require(viaEndpoint.json["token"] as? String)
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: token).status == 200)
            }
        }
    }

    @Test("a body that is not JSON gets 400; a non-JSON content type gets 415")
    func badRequests() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            var request = HTTPClientRequest(url: http.baseURL + SimulatorHTTP.front)
            request.method = .POST
            request.headers.add(name: "ApiKey", value: http.apiKey)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: "{not json"))
            #expect(try await http.send(request).status == 400)
            let form = try await http.post(SimulatorHTTP.front, ["image": "x"], contentType: "text/plain")
            #expect(form.status == 415)
            #expect(try await http.post(SimulatorHTTP.front, ["getExtractedData": true]).status == 400)
        }
    }

    @Test("the limiter admits 10 per second and 60 per minute per ApiKey, then names the wait")
    func limiterWindows() {
        var limiter = RateLimiter()
        let start: Int64 = 1_700_000_080_000  // 40 s into a minute
        let admitted = (0..<15).filter { _ in limiter.admit(key: "k", limit: .vlensDefault, nowMilliseconds: start) == nil }
        #expect(admitted.count == 10)
        #expect(limiter.admit(key: "k", limit: .vlensDefault, nowMilliseconds: start + 999) == 1)
        #expect(limiter.admit(key: "other", limit: .vlensDefault, nowMilliseconds: start) == nil)
        for second in 1...5 {
            for _ in 0..<10 { _ = limiter.admit(key: "k", limit: .vlensDefault, nowMilliseconds: start + Int64(second) * 1000) }
        }
        // 60 used in this minute: the wait is to the end of the minute (14 s left at 46 s).
        #expect(limiter.admit(key: "k", limit: .vlensDefault, nowMilliseconds: start + 6000) == 14)
        #expect(limiter.admit(key: "k", limit: .vlensDefault, nowMilliseconds: start + 20_000) == nil)
        #expect(limiter.admit(key: "k", limit: .unlimited, nowMilliseconds: start) == nil)
    }

    @Test("a call that arrived in a window already left is counted in the current one: windows never move back")
    func lateArrivalCountsInCurrentWindow() {
        var limiter = RateLimiter()
        let limit = RateLimit(perSecond: 2, perMinute: nil)
        let start: Int64 = 1_700_000_081_000
        #expect(limiter.admit(key: "k", limit: limit, nowMilliseconds: start + 1_000) == nil)
        // Arrived in the second before, reached the counter after: it takes the current window's
        // second place, and does not reset the window to the earlier second.
        #expect(limiter.admit(key: "k", limit: limit, nowMilliseconds: start + 900) == nil)
        #expect(limiter.admit(key: "k", limit: limit, nowMilliseconds: start + 1_100) == 1)
    }

    @Test("over sockets, a burst beyond the per-second limit gets 429 with Retry-After: 1")
    func perSecond() async throws {
        // 2 per second: 60 calls at once stay a burst over it even when a loaded machine spreads them over seconds.
        try await SimulatorHTTP.withSimulator(faults: SimulatorFaults(rateLimit: RateLimit(perSecond: 2, perMinute: nil))) { server, http in
            let image = SimulatorImages.front(person: "a")
            let replies = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<60 {
                    group.addTask {
                        let reply = try await http.front(image)
                        return (reply.status, reply.headers["retry-after"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let limited = replies.filter { $0.0 == 429 }
            #expect(!limited.isEmpty)
            #expect(limited.allSatisfy { $0.1 == "1" })
            #expect(server.ledger().totals.byOutcome["rate_limited"] == limited.count)
            #expect(server.ledger().totals.calls == 60)
        }
    }

    @Test("the per-minute limit answers 429 with the seconds left in the minute; unlimited lets all through")
    func perMinute() async throws {
        try await SimulatorHTTP.withSimulator(faults: SimulatorFaults(rateLimit: RateLimit(perSecond: nil, perMinute: 3))) { server, http in
            var statuses: [Int] = []
            var retryAfter: Int?
            for _ in 0..<8 {
                let reply = try await http.front(SimulatorImages.front(person: "a"))
                statuses.append(reply.status)
                if reply.status == 429 { retryAfter = reply.headers["retry-after"].flatMap { Int($0) } }
            }
            #expect(statuses.filter { $0 == 200 }.count <= 6)  // at most 3 in each of two minutes
            #expect(statuses.contains(429))
            #expect(retryAfter.map { (1...60).contains($0) } == true)

            server.setFaults(SimulatorFaults(rateLimit: .unlimited))
            for _ in 0..<20 { #expect(try await http.front(SimulatorImages.front(person: "a")).status == 200) }
        }
    }

    @Test("a limiter without Retry-After answers 429 without the header")
    func noRetryAfter() async throws {
        let limit = RateLimit(perSecond: nil, perMinute: 1)
        try await SimulatorHTTP.withSimulator(faults: SimulatorFaults(rateLimit: limit, rateLimitSendsRetryAfter: false)) { _, http in
            var limited: SimulatorHTTP.Reply?
            for _ in 0..<4 {
                let reply = try await http.front(SimulatorImages.front(person: "a"))
                if reply.status == 429 { limited = reply }
            }
            let reply = try #require(limited)
            #expect(reply.headers["retry-after"] == nil)
        }
    }
}
