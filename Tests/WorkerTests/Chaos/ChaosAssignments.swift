import Foundation

/// Each worker's partition assignment as its log tells it (the Kafka layer's "partitions assigned",
/// "partitions revoked" and "partitions lost" lines), for a failed scenario's report.
struct ChaosAssignments {
    struct Worker {
        var name: String
        var isRunning: Bool
        var assignment: Set<Int32> = []
        /// The last assignment change, as logged.
        var lastChange: String = "none"
    }

    var workers: [Worker]

    /// Reads the logs of `workers` (name, running, log text).
    init(_ workers: [(name: String, isRunning: Bool, log: String)]) {
        self.workers = workers.map { name, isRunning, log in
            var worker = Worker(name: name, isRunning: isRunning)
            for line in log.split(separator: "\n") where line.contains("partitions ") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let message = object["msg"] as? String,
                      let list = object["kafka.partitions"] as? String else { continue }
                let partitions = Set(list.split(separator: ",").compactMap { $0.split(separator: "/").last.flatMap { Int32($0) } })
                switch message {
                case "partitions assigned": worker.assignment.formUnion(partitions)
                case "partitions revoked", "partitions lost": worker.assignment.subtract(partitions)
                default: continue
                }
                worker.lastChange = "\(object["ts"] ?? "?") \(message) \(partitions.sorted())"
            }
            return worker
        }
    }

    /// Partitions of `0..<count` that no running worker owns.
    func unowned(of count: Int) -> [Int32] {
        let owned = workers.filter(\.isRunning).reduce(into: Set<Int32>()) { $0.formUnion($1.assignment) }
        return (0..<Int32(count)).filter { !owned.contains($0) }
    }

    /// One line per worker, then the unowned partitions.
    func report(partitions: Int) -> String {
        let lines = workers.map { worker in
            "  \(worker.name) (\(worker.isRunning ? "running" : "stopped")): owns \(worker.assignment.sorted()); last change: \(worker.lastChange)"
        }
        return (["assignments as the worker logs tell them:"] + lines + ["  partitions without a running owner: \(unowned(of: partitions))"]).joined(separator: "\n")
    }
}
