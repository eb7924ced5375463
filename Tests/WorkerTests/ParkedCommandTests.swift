import Foundation
import Logging
import Store
import Testing

/// `vlens-worker parked` end to end: the real CLI process over a SQLite store parked into directly.
@Suite("Operating: parked captures", .timeLimit(.minutes(2)))
struct ParkedCommandTests {
    static let topic = "identity.capture-submitted.v1"
    /// Stands in for images and headers: it must never reach the output.
    static let secret = "SECRET-IMAGE-BYTES"

    /// A fresh SQLite store, running and migrated, and its URL, for `body`.
    static func withStore(_ body: @Sendable (any VerificationStore, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parked-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite:\(directory.appendingPathComponent("worker.sqlite").path)"
        var logger = Logger(label: "parked-test")
        logger.logLevel = .error
        let store = try await StoreURL(url).makeStore(logger: logger)
        let runner = Task { try await store.run() }
        defer { runner.cancel() }
        try await store.migrate()
        try await body(store, url)
    }

    static func park(
        _ store: any VerificationStore, lane: String, partition: Int32, offset: Int64, tenant: String, reason: String,
        attempts: Int, parkedAgo: TimeInterval, nextIn: TimeInterval
    ) async throws {
        let now = Date()
        _ = try await store.park(ParkedCapture(
            lane: lane, topic: topic, partition: partition, offset: offset, tenant: tenant, reason: reason, attempts: attempts,
            parkedAt: now.addingTimeInterval(-parkedAgo), nextAttemptAt: now.addingTimeInterval(nextIn),
            key: Array(lane.utf8), value: Array((secret + String(repeating: "x", count: 82)).utf8), headers: Array("traceparent=\(secret)".utf8)
        ))
    }

    /// Two tenants, four reasons; acme's `tx-acme-1` holds two captures (the second behind the first).
    static func parkExamples(_ store: any VerificationStore) async throws {
        try await park(store, lane: "tx-acme-1", partition: 0, offset: 10, tenant: "acme", reason: "breaker_open", attempts: 2, parkedAgo: 192, nextIn: 600)
        try await park(store, lane: "tx-acme-1", partition: 0, offset: 11, tenant: "acme", reason: "behind_parked", attempts: 0, parkedAgo: 100, nextIn: 600)
        try await park(store, lane: "tx-acme-2", partition: 1, offset: 5, tenant: "acme", reason: "rate_limited", attempts: 1, parkedAgo: 30, nextIn: 300)
        try await park(store, lane: "tx-globex-1", partition: 2, offset: 7, tenant: "globex", reason: "vlens_unavailable", attempts: 4, parkedAgo: 7200, nextIn: -5)
    }

    /// The output's table rows: lines split at runs of two or more spaces.
    static func rows(_ output: String) -> [[String]] {
        output.split(separator: "\n").map { line in
            line.split(separator: /\s{2,}/).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// The summary row of `tenant` and `reason` (six cells).
    static func summaryRow(_ output: String, _ tenant: String, _ reason: String) -> [String]? {
        rows(output).first { $0.count == 6 && $0[0] == tenant && $0[1] == reason }
    }

    /// The listing rows (seven cells, without the header).
    /// Seconds of an age the command prints as `3m12s` (nil for another form).
    static func seconds(_ age: String) -> Int? {
        let parts = age.dropLast().split(separator: "m")
        guard age.hasSuffix("s"), parts.count == 2, let minutes = Int(parts[0]), let seconds = Int(parts[1]) else { return nil }
        return minutes * 60 + seconds
    }

    static func listing(_ output: String) -> [[String]] {
        rows(output).filter { $0.count == 7 && $0[0] != "TENANT" }
    }

    @Test("parked summarises by tenant and reason and lists the oldest captures, without values or headers")
    func summaryAndListing() async throws {
        try await Self.withStore { store, url in
            let parking = ContinuousClock.now
            try await Self.parkExamples(store)
            let output = try await OperatorCommand.run(["parked"], environment: ["STORE_URL": url])
            let sinceParking = Int((ContinuousClock.now - parking).components.seconds) + 1
            #expect(output.status == 0, "\(output.progress)")
            let text = output.summary

            #expect(Self.summaryRow(text, "acme", "behind_parked")?[2...3] == ["1", "1"])
            let breaker = try #require(Self.summaryRow(text, "acme", "breaker_open"), "\(text)")
            #expect(breaker[2...4] == ["1", "1", "139 B"], "key 9 + value 100 + headers 30 bytes")
            let age = Self.seconds(breaker[5])
            #expect(age.map { (192...192 + sinceParking).contains($0) } == true, "parked 192 s ago: \(breaker[5])")
            #expect(Self.summaryRow(text, "acme", "rate_limited")?[2...3] == ["1", "1"])
            let globex = try #require(Self.summaryRow(text, "globex", "vlens_unavailable"))
            #expect(globex[5] == "2h00m")
            #expect(text.contains("total 4 parked"))

            let listed = Self.listing(text)
            #expect(listed.map { $0[2] } == ["tx-acme-1", "tx-acme-1", "tx-acme-2", "tx-globex-1"], "oldest (first parked) first")
            #expect(listed.map { $0[3] } == ["\(Self.topic)/0@10", "\(Self.topic)/0@11", "\(Self.topic)/1@5", "\(Self.topic)/2@7"])
            #expect(listed.map { $0[4] } == ["2", "0", "1", "4"])
            #expect(listed.first?[6].hasPrefix("in 9m") == true || listed.first?[6] == "in 10m00s")
            #expect(listed.last?[6].hasPrefix("overdue ") == true)
            #expect(!text.contains(Self.secret) && !text.contains("traceparent") && !output.progress.contains(Self.secret))

            let globexOnly = try await OperatorCommand.run(["parked", "--tenant", "globex"], environment: ["STORE_URL": url])
            #expect(globexOnly.status == 0)
            #expect(Self.summaryRow(globexOnly.summary, "globex", "vlens_unavailable") != nil)
            #expect(!globexOnly.summary.contains("acme"))
            #expect(Self.listing(globexOnly.summary).map { $0[2] } == ["tx-globex-1"])

            let limited = try await OperatorCommand.run(["parked", "list", "--limit", "2"], environment: ["STORE_URL": url])
            #expect(limited.status == 0)
            #expect(Self.listing(limited.summary).count == 2)
            #expect(limited.summary.contains("(2 of 4; --limit to see more)"))
        }
    }

    @Test("an empty parking lot says so")
    func empty() async throws {
        try await Self.withStore { _, url in
            let output = try await OperatorCommand.run(["parked"], environment: ["STORE_URL": url])
            #expect(output.status == 0)
            #expect(output.summary.trimmingCharacters(in: .whitespacesAndNewlines) == "nothing is parked")
            let none = try await OperatorCommand.run(["parked", "--tenant", "acme"], environment: ["STORE_URL": url])
            #expect(none.summary.contains("nothing is parked for tenant acme"))
        }
    }

    @Test("parked release makes one tenant's captures due now; without --tenant it needs --all")
    func release() async throws {
        try await Self.withStore { store, url in
            try await Self.parkExamples(store)
            let partitions: [Int32] = [0, 1, 2]
            let dueBefore = try await store.dueParkedCaptures(topic: Self.topic, partitions: partitions, now: Date(), limit: 10)
            #expect(dueBefore.map(\.lane) == ["tx-globex-1"])

            let refused = try await OperatorCommand.run(["parked", "release"], environment: ["STORE_URL": url])
            #expect(refused.status != 0)
            #expect(refused.progress.contains("--tenant") && refused.progress.contains("--all"), "\(refused.progress)")
            let both = try await OperatorCommand.run(["parked", "release", "--tenant", "acme", "--all"], environment: ["STORE_URL": url])
            #expect(both.status != 0)
            #expect(try await store.dueParkedCaptures(topic: Self.topic, partitions: partitions, now: Date(), limit: 10).count == 1, "a refused release changes nothing")

            let released = try await OperatorCommand.run(["parked", "release", "--tenant", "acme"], environment: ["STORE_URL": url])
            #expect(released.status == 0, "\(released.progress)")
            #expect(released.summary.contains("released 3 parked captures of tenant acme"), "\(released.summary)")
            #expect(released.summary.contains("within a second"))

            // Per lane its first capture: tx-acme-1 resumes at offset 10, its second waits behind it.
            let due = try await store.dueParkedCaptures(topic: Self.topic, partitions: partitions, now: Date(), limit: 10)
            #expect(Set(due.map(\.lane)) == ["tx-acme-1", "tx-acme-2", "tx-globex-1"])
            #expect(due.first { $0.lane == "tx-acme-1" }?.offset == 10)
            let listed = try await OperatorCommand.run(["parked", "--tenant", "acme"], environment: ["STORE_URL": url])
            #expect(Self.listing(listed.summary).map { $0[6] == "due now" || $0[6].hasPrefix("overdue ") } == [true, true, true], "\(listed.summary)")

            let again = try await OperatorCommand.run(["parked", "release", "--all"], environment: ["STORE_URL": url])
            #expect(again.status == 0)
            #expect(again.summary.contains("nothing released"), "every capture is due already: \(again.summary)")
        }
    }

    @Test("without STORE_URL the command fails and names it")
    func missingStoreURL() async throws {
        for arguments in [["parked"], ["parked", "release", "--all"]] {
            let output = try await OperatorCommand.run(arguments, environment: ["STORE_URL": ""])
            #expect(output.status != 0)
            #expect(output.progress.contains("STORE_URL is not set"), "\(output.progress)")
        }
    }
}
