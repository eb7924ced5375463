import AsyncHTTPClient
import NIOCore

/// Scrapes each worker's `/metrics` for `vlens_worker_in_flight_bytes` (the record bytes its engine
/// holds, queued or running) until cancelled, and keeps the largest value seen: the in-flight bytes
/// the worker actually held, to set its peak RSS against.
struct InFlightBytesProbe: Sendable {
    static let metric = "vlens_worker_in_flight_bytes"

    let ports: [Int]
    let httpClient: HTTPClient
    let peak = Shared(0)

    /// Polls every `interval` until the task is cancelled. The engine updates the gauge once per
    /// commit interval (1 s), so a shorter interval sees every value.
    func run(interval: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            for port in ports {
                if let value = await scrape(port: port) { peak.withLock { $0 = max($0, value) } }
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func scrape(port: Int) async -> Int? {
        guard let response = try? await httpClient.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(2)),
            let body = try? await response.body.collect(upTo: 4 << 20)
        else { return nil }
        return Self.value(in: String(buffer: body))
    }

    /// The gauge's value in a Prometheus text exposition; `nil` when absent.
    static func value(in exposition: String) -> Int? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(metric + " ") || line.hasPrefix(metric + "{") {
            if let number = line.split(separator: " ").last.flatMap({ Double($0) }) { return Int(number) }
        }
        return nil
    }
}
