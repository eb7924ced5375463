import SeededRandom
import TestSupport
import Processing
import ProcessingTesting

/// A handler with seeded random behaviour per record and attempt: returns at once, yields, or
/// sleeps briefly; fails at the given rate. Everything it does goes to a ``HandlingRecorder``.
struct RecordingHandler: ProcessingHandler {
    struct Failure: Error {}

    let recorder: HandlingRecorder
    let seed: UInt64
    let failureRate: Double
    var maxSleep: Duration = .microseconds(800)

    func handle(_ record: InMemoryRecord) async throws -> [Never] {
        let attempt = recorder.begin(record)
        var random = SplitMix64.derived(seed, UInt64(record.topicPartition.partition), UInt64(record.offset), UInt64(attempt))
        do {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4: break
            case 4..<7: await Task.yield()
            default:
                let micros = Int64.random(in: 1...max(1, maxSleep.components.seconds * 1_000_000 + maxSleep.components.attoseconds / 1_000_000_000_000), using: &random)
                try await Task.sleep(for: .microseconds(micros))
            }
            if Double.random(in: 0..<1, using: &random) < failureRate { throw Failure() }
        } catch {
            recorder.end(record, succeeded: false)
            throw error
        }
        recorder.end(record, succeeded: true)
        return []
    }
}
