import Foundation
import Hummingbird
import Logging
import Prometheus

/// The worker's HTTP endpoints for operators: `/health/live`, `/health/ready` and `/metrics`.
public enum OperationsServer {
    /// Builds the Hummingbird application serving the endpoints on `host:port`.
    ///
    /// - Parameter onRunning: called with the bound port once the server listens (port 0 picks one).
    public static func make(
        host: String,
        port: Int,
        health: WorkerHealth,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health/live") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"live"}"#)))
        }
        router.get("/health/ready") { _, _ in
            let snapshot = health.snapshot
            let body = #"{"status":"\#(snapshot.isReady ? "ready" : "not_ready")","groupJoined":\#(snapshot.groupJoined),"storeReachable":\#(snapshot.storeReachable),"assignedPartitions":\#(snapshot.assignedPartitions),"unownedPartitions":[\#(snapshot.unownedPartitions.map(String.init).joined(separator: ","))],"breaker":"\#(snapshot.breakerOpen ? "open" : "closed")"}"#
            return Response(
                status: snapshot.isReady ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "vlens-worker"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
