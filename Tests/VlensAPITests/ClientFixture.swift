import Logging
import VlensAPI
import VlensSimulator

/// A simulator on port 0 and a `VlensClient` pointed at it.
enum ClientFixture {
    static let apiKey = "client-test-key"

    static func withClient<T: Sendable>(
        faults: SimulatorFaults = SimulatorFaults(rateLimit: .unlimited),
        tenantRequiresAuthorityChecks: Bool = false,
        requestDeadline: Duration = .seconds(10),
        apiKey: String = apiKey,
        _ body: (VlensSimulatorServer, VlensClient) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "vlens-client-test")
        logger.logLevel = .critical
        let configuration = SimulatorConfiguration(
            apiKeys: [Self.apiKey], tenantRequiresAuthorityChecks: tenantRequiresAuthorityChecks, faults: faults)
        return try await VlensSimulatorServer.withRunning(configuration: configuration, logger: logger) { server, url in
            let client = VlensClient(
                configuration: VlensConfiguration(baseURL: url, apiKey: apiKey, requestDeadline: requestDeadline),
                logger: logger)
            do {
                let result = try await body(server, client)
                try await client.shutdown()
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    static func context(_ capture: String = "capture-1", request: String = "req-1", token: String? = nil) -> VlensCallContext {
        VlensCallContext(clientTransactionId: capture, requestId: request, userToken: token, traceparent: nil)
    }

    /// Front, back and liveness for `person` through the client; returns the liveness response.
    static func completeFlow(_ client: VlensClient, person: String, token: String? = nil) async throws -> VlensStepResponse {
        let front = try await client.verifyIDFront(image: SimulatorImages.front(person: person), context: context(token: token))
        let id = try require(front.transactionId)
        _ = try await client.verifyIDBack(
            image: SimulatorImages.back(person: person), transactionId: id, context: context(token: token))
        let faces = SimulatorImages.faces(person: person)
        return try await client.verifyLiveness(
            idImage: SimulatorImages.front(person: person), face1: faces[0], face2: faces[1], face3: faces[2],
            transactionId: id, context: context(token: token))
    }

    /// Runs `operation` and returns the `VlensError` it throws (or `nil` when it succeeds or throws something else).
    static func vlensError(_ operation: () async throws -> some Any) async -> VlensError? {
        do {
            _ = try await operation()
            return nil
        } catch let error as VlensError {
            return error
        } catch {
            return nil
        }
    }
}

struct MissingValue: Error {}

func require<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingValue() }
    return value
}
