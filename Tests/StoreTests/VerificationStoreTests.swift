import Foundation
@testable import Store
import Testing

/// The store contract, proven against real SQLite files and a real PostgreSQL server.
@Suite("Verification store", .timeLimit(.minutes(2)))
struct VerificationStoreTests {
    private let capture = CaptureKey(captureEventID: "evt-1", transactionID: "txn-1", step: "id_front")
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a completed capture's result and transaction state are stored", arguments: StoreEngine.allCases)
    func completeStoresResultAndState(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            #expect(try await store.result(forCapture: capture.captureEventID) == nil)
            let stored = try await store.complete(capture, result: Array("result-1".utf8), transactionState: Array("state-1".utf8), at: now)
            #expect(stored.result == Array("result-1".utf8))
            let fetched = try #require(try await store.result(forCapture: capture.captureEventID))
            #expect(fetched.result == Array("result-1".utf8))
            #expect(fetched.transactionID == "txn-1")
            #expect(fetched.step == "id_front")
            #expect(abs(fetched.completedAt.timeIntervalSince(now)) < 0.001)
            #expect(try await store.transactionState("txn-1") == Array("state-1".utf8))
            #expect(try await store.transactionState("txn-other") == nil)
        }
    }

    @Test("one lookup reads a capture's stored result and its transaction's state, each only when stored", arguments: StoreEngine.allCases)
    func lookUpReadsResultAndState(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            #expect(try await store.lookUp(capture) == CaptureLookup())
            _ = try await store.complete(capture, result: Array("result-1".utf8), transactionState: Array("state-1".utf8), at: now)
            let found = try await store.lookUp(capture)
            #expect(found.result == (try await store.result(forCapture: capture.captureEventID)))
            #expect(found.result?.step == "id_front")
            #expect(found.transactionState == Array("state-1".utf8))

            let back = CaptureKey(captureEventID: "evt-2", transactionID: "txn-1", step: "id_back")
            #expect(try await store.lookUp(back) == CaptureLookup(transactionState: Array("state-1".utf8)), "a new step of a known transaction")
            let stateless = CaptureKey(captureEventID: "evt-3", transactionID: "txn-3", step: "id_front")
            _ = try await store.complete(stateless, result: Array("result-3".utf8), transactionState: nil, at: now)
            let onlyResult = try await store.lookUp(stateless)
            #expect(onlyResult.result?.result == Array("result-3".utf8) && onlyResult.transactionState == nil, "a result stored without a state")

            let cipher = try ResultCipher(keys: [try ResultCipher.Key(id: "k1", material: Array(repeating: 3, count: 32))])
            let sealed = EncryptedVerificationStore(store, cipher: cipher)
            let sealedKey = CaptureKey(captureEventID: "evt-4", transactionID: "txn-4", step: "id_front")
            _ = try await sealed.complete(sealedKey, result: Array("secret".utf8), transactionState: Array("s4".utf8), at: now)
            #expect(try await sealed.lookUp(sealedKey) == CaptureLookup(result: try await sealed.result(forCapture: "evt-4"), transactionState: Array("s4".utf8)))
            #expect(try await sealed.lookUp(sealedKey).result?.result == Array("secret".utf8), "the encrypted store opens the looked-up result")
        }
    }

    @Test("completing a capture twice keeps the first result, so re-publishing is identical", arguments: StoreEngine.allCases)
    func secondCompletionKeepsFirstResult(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            // worker-b marks a call; worker-a's completion lands first, and clears the marker.
            #expect(try await store.beginCall(capture, owner: "worker-b", at: now.addingTimeInterval(-1), takingOverBefore: .distantFuture) == .started(previous: nil))
            _ = try await store.complete(capture, result: Array("first".utf8), transactionState: Array("s1".utf8), at: now)
            #expect(try await store.inFlightMarkers().isEmpty)
            // A claim once the result is stored writes nothing: the stored result is the one to publish.
            #expect(try await store.beginCall(capture, owner: "worker-b", at: now.addingTimeInterval(4), takingOverBefore: .distantFuture) == .completed)
            #expect(try await store.inFlightMarkers().isEmpty, "no marker for a completed capture")
            // worker-b, whose call went out anyway, completes with another result and state.
            let second = try await store.complete(capture, result: Array("second".utf8), transactionState: Array("s2".utf8), at: now.addingTimeInterval(5))
            #expect(second.result == Array("first".utf8))
            #expect(abs(second.completedAt.timeIntervalSince(now)) < 0.001)
            #expect(try await store.result(forCapture: capture.captureEventID)?.result == Array("first".utf8))
            #expect(try await store.transactionState("txn-1") == Array("s1".utf8))
            // The same result again: the stored one's time, not the new one's.
            let same = try await store.complete(capture, result: Array("first".utf8), transactionState: Array("s3".utf8), at: now.addingTimeInterval(9))
            #expect(same.result == Array("first".utf8))
            #expect(abs(same.completedAt.timeIntervalSince(now)) < 0.001)
            #expect(try await store.transactionState("txn-1") == Array("s1".utf8))
        }
    }

    @Test("renewing a call moves its marker's start, for its owner only; a taken-over call cannot renew", arguments: StoreEngine.allCases)
    func renewCall(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            #expect(try await store.beginCall(capture, owner: "worker-a", at: now, takingOverBefore: .distantFuture) == .started(previous: nil))
            #expect(try await store.renewCall(capture, owner: "worker-a", at: now.addingTimeInterval(20)))
            guard case .heldElsewhere(let held) = try await store.beginCall(capture, owner: "worker-b", at: now.addingTimeInterval(25), takingOverBefore: now.addingTimeInterval(10)) else {
                Issue.record("a renewed marker is live again")
                return
            }
            #expect(abs(held.startedAt.timeIntervalSince(now.addingTimeInterval(20))) < 0.001 && held.owner == "worker-a")
            #expect(try await store.renewCall(capture, owner: "worker-b", at: now.addingTimeInterval(26)) == false, "not worker-b's marker")
            _ = try await store.beginCall(capture, owner: "worker-b", at: now.addingTimeInterval(60), takingOverBefore: .distantFuture)
            #expect(try await store.renewCall(capture, owner: "worker-a", at: now.addingTimeInterval(61)) == false, "worker-b took it over: worker-a must not send")
            #expect(try await store.inFlightMarkers().first?.owner == "worker-b")
        }
    }

    @Test("a call that never completed is reported by the next attempt and counted", arguments: StoreEngine.allCases)
    func inFlightMarkerSurvivesACrash(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            #expect(try await store.beginCall(capture, owner: "worker-a", at: now, takingOverBefore: .distantFuture) == .started(previous: nil))
            #expect(try await store.inFlightMarkers().map(\.capture) == [capture])

            // worker-a dies here, or only loses the partition; worker-b picks the capture up again.
            // worker-b may not take over a call that may still be running...
            let live = try await store.beginCall(capture, owner: "worker-b", at: now.addingTimeInterval(10), takingOverBefore: now)
            guard case .heldElsewhere(let held) = live else {
                Issue.record("a marker another worker set at or after the cutoff is left alone, got \(live)")
                return
            }
            #expect(held.owner == "worker-a" && held.attempts == 1 && abs(held.startedAt.timeIntervalSince(now)) < 0.001)
            #expect(try await store.inFlightMarkers().first?.owner == "worker-a", "nothing was written")
            // ...but takes over one that started before the cutoff.
            guard case .started(let started) = try await store.beginCall(capture, owner: "worker-b", at: now.addingTimeInterval(10), takingOverBefore: now.addingTimeInterval(1)) else {
                Issue.record("worker-b should have taken over worker-a's expired marker")
                return
            }
            let previous = try #require(started)
            #expect(previous.owner == "worker-a")
            #expect(previous.attempts == 1)
            #expect(abs(previous.startedAt.timeIntervalSince(now)) < 0.001)
            #expect(try await store.inFlightMarkers().first?.attempts == 2)
            guard case .started(let replaced) = try await store.beginCall(capture, owner: "worker-c", at: now.addingTimeInterval(20), takingOverBefore: .distantFuture) else {
                Issue.record("worker-c should have taken over")
                return
            }
            let third = try #require(replaced)
            #expect(third.owner == "worker-b" && third.attempts == 2, "each attempt reports the one just before it")
            #expect(abs(third.startedAt.timeIntervalSince(now.addingTimeInterval(10))) < 0.001)
            try await store.endCall(capture, owner: "worker-b")
            #expect(try await store.inFlightMarkers().first?.owner == "worker-c", "only its owner ends a call")
            // worker-c's own marker is its to replace at once (a restart under the same name).
            guard case .started(let own) = try await store.beginCall(capture, owner: "worker-c", at: now.addingTimeInterval(21), takingOverBefore: now) else {
                Issue.record("a worker takes over its own marker")
                return
            }
            #expect(own?.owner == "worker-c")
            try await store.endCall(capture, owner: "worker-c")
            #expect(try await store.beginCall(capture, owner: "worker-d", at: now.addingTimeInterval(30), takingOverBefore: .distantFuture) == .started(previous: nil), "an ended call leaves no marker")

            _ = try await store.complete(capture, result: Array("r".utf8), transactionState: nil, at: now.addingTimeInterval(11))
            #expect(try await store.inFlightMarkers().isEmpty)
        }
    }

    @Test("state stays untouched when a step completes without a new state", arguments: StoreEngine.allCases)
    func completionWithoutStateKeepsState(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            _ = try await store.complete(capture, result: Array("r1".utf8), transactionState: Array("kept".utf8), at: now)
            let other = CaptureKey(captureEventID: "evt-2", transactionID: "txn-1", step: "liveness")
            _ = try await store.complete(other, result: Array("r2".utf8), transactionState: nil, at: now)
            #expect(try await store.transactionState("txn-1") == Array("kept".utf8))
        }
    }

    @Test("retention deletes results, states, markers and ownership reports past the horizon, in batches, and keeps the rest", arguments: StoreEngine.allCases)
    func purgeRemovesOldRows(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let old = now.addingTimeInterval(-40 * 86_400)
            for index in 0..<5 {
                let key = CaptureKey(captureEventID: "evt-old-\(index)", transactionID: "txn-old-\(index)", step: "id_front")
                _ = try await store.beginCall(key, owner: "w", at: old, takingOverBefore: .distantFuture)
                _ = try await store.complete(key, result: Array("old \(index)".utf8), transactionState: [1], at: old)
            }
            _ = try await store.beginCall(CaptureKey(captureEventID: "evt-stuck", transactionID: "txn-stuck", step: "id_back"), owner: "w", at: old, takingOverBefore: .distantFuture)
            try await store.reportOwnership(PartitionOwnership(group: "g", topic: "t", instance: "gone", partitions: [0]), at: old, forgetBefore: .distantPast)
            let recent = CaptureKey(captureEventID: "evt-recent", transactionID: "txn-recent", step: "id_back")
            _ = try await store.complete(recent, result: [2], transactionState: [3], at: now)

            let horizon = now.addingTimeInterval(-30 * 86_400)
            let first = try await store.purge(before: horizon, limit: 3)
            #expect(first == StorePurge(results: 3, transactionStates: 3, inFlightMarkers: 1, ownershipReports: 1))
            #expect(first.mayHaveMore(limit: 3))
            let second = try await store.purge(before: horizon, limit: 3)
            #expect(second == StorePurge(results: 2, transactionStates: 2))
            #expect(!second.mayHaveMore(limit: 3))
            #expect(try await store.purge(before: horizon, limit: 3) == StorePurge())

            #expect(try await store.result(forCapture: "evt-old-0") == nil)
            #expect(try await store.transactionState("txn-old-4") == nil)
            #expect(try await store.inFlightMarkers().isEmpty)
            #expect(try await store.partitionOwners(group: "g", topic: "t", since: .distantPast).isEmpty)
            #expect(try await store.result(forCapture: recent.captureEventID) != nil)
            #expect(try await store.transactionState("txn-recent") == [3])
        }
    }

    @Test("after the retention purge, nothing of a purged result is left in the SQLite files")
    func purgedDataLeavesNoTraceInSQLiteFiles() async throws {
        let nationalID = "29901230123468"
        try await withFreshStore(.sqlite) { store, url in
            guard case .sqlite(let path) = url.kind else { Issue.record("not a SQLite store: \(url.redacted)"); return }
            let old = now.addingTimeInterval(-40 * 86_400)
            for index in 0..<50 {
                let key = CaptureKey(captureEventID: "evt-\(index)", transactionID: "txn-\(index)", step: "id_front")
                _ = try await store.complete(key, result: Array(#"{"extractedData":{"idNumber":"\#(nationalID)","first_name":"Mona"}}"#.utf8), transactionState: Array(nationalID.utf8), at: old)
            }
            #expect(Self.filesContain(path, nationalID), "the planted ID number is in the database files before the purge")
            _ = try await store.purge(before: now.addingTimeInterval(-30 * 86_400), limit: 1000)
            #expect(!Self.filesContain(path, nationalID), "no deleted row stays readable in the database or its WAL")
        }
    }

    @Test("encrypted results: callers see plaintext, the database holds sealed bytes, keys rotate, a missing key is named", arguments: StoreEngine.allCases)
    func encryptedResults(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { base, _ in
            let old = try ResultCipher.Key(id: "2026-11", material: Array(repeating: 1, count: 32))
            let new = try ResultCipher.Key(id: "2026-12", material: Array(repeating: 2, count: 32))
            let plaintext = Array(#"{"extractedData":{"idNumber":"29901230123468"}}"#.utf8)
            let legacy = CaptureKey(captureEventID: "evt-legacy", transactionID: "txn-1", step: "id_front")
            _ = try await base.complete(legacy, result: Array("plain".utf8), transactionState: nil, at: now)

            let first = EncryptedVerificationStore(base, cipher: try ResultCipher(keys: [old]))
            let stored = try await first.complete(capture, result: plaintext, transactionState: nil, at: now)
            #expect(stored.result == plaintext, "callers get the bytes they stored")
            let raw = try #require(try await base.result(forCapture: capture.captureEventID))
            #expect(raw.result.starts(with: Array("VWE1".utf8)))
            #expect(raw.result.count > plaintext.count && !String(decoding: raw.result, as: UTF8.self).contains("29901230123468"))
            #expect(try await first.result(forCapture: legacy.captureEventID)?.result == Array("plain".utf8), "rows from before encryption still read")

            let rotated = EncryptedVerificationStore(base, cipher: try ResultCipher(keys: [new, old]))
            #expect(try await rotated.result(forCapture: capture.captureEventID)?.result == plaintext, "the old key still opens")
            let second = CaptureKey(captureEventID: "evt-2", transactionID: "txn-2", step: "id_back")
            _ = try await rotated.complete(second, result: plaintext, transactionState: nil, at: now)
            let sealedWithNew = try #require(try await base.result(forCapture: "evt-2")).result
            #expect(sealedWithNew.dropFirst(5).starts(with: Array("2026-12".utf8)), "new results are sealed with the first key")

            let withoutOld = EncryptedVerificationStore(base, cipher: try ResultCipher(keys: [new]))
            let error = await #expect(throws: StoreError.self) { try await withoutOld.result(forCapture: capture.captureEventID) }
            #expect(error?.message.contains("2026-11") == true)
            #expect(error?.code == .encryption)
        }
    }

    /// Whether the SQLite database or its `-wal` / `-shm` files contain `text`.
    static func filesContain(_ path: String, _ text: String) -> Bool {
        let needle = Data(text.utf8)
        return ["", "-wal", "-shm"].contains { suffix in
            (try? Data(contentsOf: URL(fileURLWithPath: path + suffix)))?.range(of: needle) != nil
        }
    }

    @Test("ownership reports: each instance's latest counts, stale ones are left out, old ones forgotten", arguments: StoreEngine.allCases)
    func ownershipReports(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            func report(_ instance: String, _ partitions: [Int32], at date: Date) async throws {
                try await store.reportOwnership(
                    PartitionOwnership(group: "g", topic: "captures", instance: instance, partitions: partitions),
                    at: date, forgetBefore: date.addingTimeInterval(-3600)
                )
            }
            try await report("a", [0, 3], at: now)
            try await report("b", [1, 4], at: now)
            try await report("a", [0, 2, 3], at: now.addingTimeInterval(10))  // replaces a's first report
            try await store.reportOwnership(
                PartitionOwnership(group: "other", topic: "captures", instance: "c", partitions: [5]), at: now.addingTimeInterval(10),
                forgetBefore: now.addingTimeInterval(-3600)
            )
            let recent = try await store.partitionOwners(group: "g", topic: "captures", since: now.addingTimeInterval(5))
            #expect(recent == [PartitionOwnership(group: "g", topic: "captures", instance: "a", partitions: [0, 2, 3])], "b's report is stale")
            let all = try await store.partitionOwners(group: "g", topic: "captures", since: now)
            #expect(all.map(\.instance) == ["a", "b"])
            try await report("a", [], at: now.addingTimeInterval(7200))  // forgets everything older than an hour before
            #expect(try await store.partitionOwners(group: "g", topic: "captures", since: .distantPast).map(\.instance) == ["a"])
            #expect(try await store.partitionOwners(group: "other", topic: "captures", since: .distantPast).isEmpty)
        }
    }

    @Test("a discarded result lets the capture complete again with a new result", arguments: StoreEngine.allCases)
    func discardReopensCapture(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            _ = try await store.complete(capture, result: Array("failed".utf8), transactionState: nil, at: now)
            #expect(try await store.discardResult(forCapture: capture.captureEventID))
            #expect(try await store.result(forCapture: capture.captureEventID) == nil)
            #expect(try await !store.discardResult(forCapture: capture.captureEventID))
            let stored = try await store.complete(capture, result: Array("succeeded".utf8), transactionState: nil, at: now)
            #expect(stored.result == Array("succeeded".utf8))
        }
    }

    @Test("migrating an up-to-date store again changes nothing and keeps data", arguments: StoreEngine.allCases)
    func migrationIsIdempotent(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, url in
            _ = try await store.complete(capture, result: [7], transactionState: nil, at: now)
            try await store.migrate()
            #expect(try await store.result(forCapture: capture.captureEventID)?.result == [7])
            _ = url
        }
    }

    @Test("concurrent completions of many captures all land", arguments: StoreEngine.allCases)
    func concurrentCompletions(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let key = CaptureKey(captureEventID: "evt-\(index)", transactionID: "txn-\(index % 7)", step: "id_front")
                        _ = try await store.beginCall(key, owner: "w", at: now, takingOverBefore: .distantFuture)
                        _ = try await store.complete(key, result: [UInt8(index)], transactionState: [UInt8(index)], at: now)
                    }
                }
                try await group.waitForAll()
            }
            for index in 0..<50 {
                #expect(try await store.result(forCapture: "evt-\(index)")?.result == [UInt8(index)])
            }
            #expect(try await store.inFlightMarkers().isEmpty)
        }
    }
}

@Suite("Store URL")
struct StoreURLTests {
    @Test("sqlite and postgres URLs parse, and the redacted form hides the password")
    func parses() throws {
        #expect(try StoreURL("sqlite:./data/w.sqlite").redacted == "sqlite:./data/w.sqlite")
        #expect(try StoreURL("postgres://app:s3cret@db.internal:6543/verifications").redacted == "postgres://app@db.internal:6543/verifications")
    }

    @Test("a bad URL is refused with a message that says what a good one looks like", arguments: ["mysql://x/y", "sqlite:", "postgres:///nohost", "postgres://h/db?sslmode=sometimes"])
    func refuses(url: String) {
        #expect {
            try StoreURL(url)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .invalidURL && !error.message.isEmpty && !error.message.contains("s3cret")
        }
    }
}
