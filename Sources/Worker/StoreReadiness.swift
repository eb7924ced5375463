import ServiceLifecycle
import SerialAccess

/// Opens once, when the store is migrated; the services that use the store wait for it.
typealias StoreReadiness = OneTimeGate

/// A service that starts once the store is ready (``StoreReadiness``).
struct AfterStoreIsReady: Service {
    let readiness: StoreReadiness
    let service: any Service

    func run() async throws {
        try await readiness.wait()
        try await service.run()
    }
}
