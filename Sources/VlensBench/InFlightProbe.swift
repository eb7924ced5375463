import AsyncHTTPClient
import Foundation
import NIOCore

/// Scrapes each worker's `/metrics` until cancelled, for three of the engine's gauges:
/// `vlens_worker_in_flight_bytes_peak` (the most record bytes it held at once, queued or running),
/// the in-flight bytes to set the peak RSS against; `vlens_worker_in_flight_bytes` (what it holds
/// when the engine last updated its gauges, once a second), whose largest reading shows how much a
/// sampled gauge misses; and `vlens_worker_in_flight_records`, whose mean over the window says how
/// many of its slots the worker had work for.
struct InFlightProbe: Sendable {
    static let peakBytesMetric = "vlens_worker_in_flight_bytes_peak"
    static let bytesMetric = "vlens_worker_in_flight_bytes"
    static let recordsMetric = "vlens_worker_in_flight_records"

    let ports: [Int]
    let httpClient: HTTPClient
    /// The most bytes one worker held at once (its exact high-water mark).
    let peak = Shared(0)
    /// The largest reading of one worker's in-flight bytes gauge.
    let sampledPeak = Shared(0)
    /// Records in flight in all workers together, by when they were scraped.
    let records = Shared<[(at: Date, count: Int)]>([])

    /// Polls every `interval` until the task is cancelled. The engine updates the gauges once per
    /// commit interval (1 s), so a shorter interval sees every value.
    func run(interval: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            var total: Int?
            for port in ports {
                guard let exposition = await scrape(port: port) else { continue }
                if let bytes = Self.value(of: Self.peakBytesMetric, in: exposition) { peak.withLock { $0 = max($0, bytes) } }
                if let bytes = Self.value(of: Self.bytesMetric, in: exposition) { sampledPeak.withLock { $0 = max($0, bytes) } }
                if let count = Self.value(of: Self.recordsMetric, in: exposition) { total = (total ?? 0) + count }
            }
            if let total { records.withLock { $0.append((Date(), total)) } }
            try? await Task.sleep(for: interval)
        }
    }

    /// The mean of the records in flight scraped between `start` and `end`; `nil` without samples.
    func meanRecords(from start: Date, to end: Date) -> Double? {
        let inWindow = records.withLock { $0 }.filter { $0.at >= start && $0.at < end }
        guard !inWindow.isEmpty else { return nil }
        return Double(inWindow.reduce(0) { $0 + $1.count }) / Double(inWindow.count)
    }

    private func scrape(port: Int) async -> String? {
        guard let response = try? await httpClient.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(2)),
            let body = try? await response.body.collect(upTo: 4 << 20)
        else { return nil }
        return String(buffer: body)
    }

    /// A gauge's value in a Prometheus text exposition; `nil` when absent.
    static func value(of metric: String, in exposition: String) -> Int? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(metric + " ") || line.hasPrefix(metric + "{") {
            if let number = line.split(separator: " ").last.flatMap({ Double($0) }) { return Int(number) }
        }
        return nil
    }
}
