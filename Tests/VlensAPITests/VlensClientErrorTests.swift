import Testing
import VlensAPI
import VlensSimulator

@Suite("Vlens client error classification over sockets", .timeLimit(.minutes(2)))
struct VlensClientErrorTests {
    private func frontError(_ image: String, _ client: VlensClient) async -> VlensError? {
        await ClientFixture.vlensError {
            try await client.verifyIDFront(image: image, context: ClientFixture.context())
        }
    }

    @Test("business errors are rejections with their Vlens code", arguments: [
        (SimulatorOutcome.unreadable, VlensError.Code.imageQuality, 1050),
        (.noCard, .cardNotDetected, 3011),
        (.expired, .expiredID, 3010),
    ])
    func business(outcome: SimulatorOutcome, code: VlensError.Code, vlensCode: Int) async throws {
        try await ClientFixture.withClient { _, client in
            let error = await frontError(SimulatorImages.front(person: "a", outcome), client)
            #expect(error?.code == code)
            #expect(error?.category == .rejected && error?.isRetryable == false)
            #expect(error?.vlensErrorCode == vlensCode)
        }
    }

    @Test("a front/back mismatch is id_mismatch; a spoof is spoof; failed liveness is liveness_failed")
    func mismatchSpoofLiveness() async throws {
        try await ClientFixture.withClient { _, client in
            let front = try await client.verifyIDFront(image: SimulatorImages.front(person: "a"), context: ClientFixture.context())
            let mismatch = await ClientFixture.vlensError {
                try await client.verifyIDBack(
                    image: SimulatorImages.back(person: "a", .mismatch), transactionId: front.transactionId,
                    context: ClientFixture.context())
            }
            #expect(mismatch?.code == .idMismatch && mismatch?.vlensErrorCode == 3101 && mismatch?.httpStatus == 422)

            let spoof = await frontError(SimulatorImages.front(person: "b", .spoof), client)
            #expect(spoof?.code == .spoof && spoof?.category == .rejected)
            #expect(spoof?.response?.services.isFake == true)

            _ = try await client.verifyIDBack(
                image: SimulatorImages.back(person: "a"), transactionId: front.transactionId, context: ClientFixture.context())
            let face = SimulatorImages.faces(person: "a")[0]
            let liveness = await ClientFixture.vlensError {
                try await client.verifyLiveness(
                    idImage: SimulatorImages.front(person: "a"), face1: face, face2: face, face3: face,
                    transactionId: try require(front.transactionId), context: ClientFixture.context())
            }
            #expect(liveness?.code == .livenessFailed && liveness?.category == .rejected)
        }
    }

    @Test("liveness before both sides is an invalid request (400)")
    func outOfOrder() async throws {
        try await ClientFixture.withClient { _, client in
            let front = try await client.verifyIDFront(image: SimulatorImages.front(person: "a"), context: ClientFixture.context())
            let faces = SimulatorImages.faces(person: "a")
            let error = await ClientFixture.vlensError {
                try await client.verifyLiveness(
                    idImage: SimulatorImages.front(person: "a"), face1: faces[0], face2: faces[1], face3: faces[2],
                    transactionId: try require(front.transactionId), context: ClientFixture.context())
            }
            #expect(error?.code == .badRequest && error?.category == .invalidRequest)
        }
    }

    @Test("a wrong ApiKey is unauthorized (credentials); an unknown user token too")
    func credentials() async throws {
        try await ClientFixture.withClient(apiKey: "wrong-key") { _, client in
            let error = await frontError(SimulatorImages.front(person: "a"), client)
            #expect(error?.code == .unauthorized && error?.category == .credentials && error?.httpStatus == 401)
        }
        try await ClientFixture.withClient { _, client in
            let error = await ClientFixture.vlensError {
                try await client.verifyIDFront(
                    image: SimulatorImages.front(person: "a"), context: ClientFixture.context(token: "forged"))
            }
            #expect(error?.code == .unauthorized)
        }
    }

    @Test("5xx are retryable with their status code", arguments: [(500, VlensError.Code.http500), (503, .http503)])
    func serverErrors(status: Int, code: VlensError.Code) async throws {
        let faults = SimulatorFaults(
            error500Rate: status == 500 ? 1 : 0, error503Rate: status == 503 ? 1 : 0, rateLimit: .unlimited)
        try await ClientFixture.withClient(faults: faults) { _, client in
            let error = await frontError(SimulatorImages.front(person: "a"), client)
            #expect(error?.code == code && error?.isRetryable == true && error?.httpStatus == status)
        }
    }

    @Test("429 is retryable and carries Retry-After when the server sends it")
    func tooManyRequests() async throws {
        try await ClientFixture.withClient(faults: SimulatorFaults(error429Rate: 1, retryAfterSeconds: 3, rateLimit: .unlimited)) { server, client in
            let error = await frontError(SimulatorImages.front(person: "a"), client)
            #expect(error?.code == .rateLimited && error?.isRetryable == true)
            #expect(error?.retryAfter == .seconds(3))

            server.setFaults(SimulatorFaults(error429NoRetryAfterRate: 1, rateLimit: .unlimited))
            let bare = await frontError(SimulatorImages.front(person: "a"), client)
            #expect(bare?.code == .rateLimited && bare?.retryAfter == nil)

            // One call per calendar minute (the simulator's fixed window): the first call passes, and
            // so does the next if the two straddle a minute's end (seen in CI at 01:18:00), never a third.
            server.setFaults(SimulatorFaults(rateLimit: RateLimit(perSecond: nil, perMinute: 1)))
            var limited: VlensError?
            var admitted = 0
            for _ in 0..<3 where limited == nil {
                if let error = await frontError(SimulatorImages.front(person: "a"), client) { limited = error } else { admitted += 1 }
            }
            #expect((1...2).contains(admitted))
            #expect(limited?.code == .rateLimited)
            #expect(limited?.retryAfter.map { $0 > .zero && $0 <= .seconds(60) } == true)
        }
    }

    @Test("a hung request ends at the deadline as a retryable timeout")
    func timeout() async throws {
        try await ClientFixture.withClient(
            faults: SimulatorFaults(hangRate: 1, rateLimit: .unlimited), requestDeadline: .seconds(3)
        ) { server, client in
            let error = await frontError(SimulatorImages.front(person: "a"), client)
            #expect(error?.code == .timeout && error?.isRetryable == true)
            let ledger = try await server.ledger(afterCalls: 1)
            #expect(ledger.totals.byOutcome["hung"] == 1)
        }
    }

    @Test("a reset connection and a refused connection are retryable connection errors")
    func connectionErrors() async throws {
        try await ClientFixture.withClient(faults: SimulatorFaults(resetRate: 1, rateLimit: .unlimited)) { _, client in
            let error = await frontError(SimulatorImages.front(person: "a"), client)
            #expect(error?.code == .connection && error?.isRetryable == true)
        }
        let client = VlensClient(
            configuration: VlensConfiguration(baseURL: "http://127.0.0.1:1", apiKey: "k", connectTimeout: .seconds(2)),
            logger: .init(label: "refused"))
        let refused = await frontError(SimulatorImages.front(person: "a"), client)
        try await client.shutdown()
        #expect(refused?.code == .connection && refused?.isRetryable == true)
    }

    @Test("error descriptions carry no personal data")
    func privacy() async throws {
        try await ClientFixture.withClient { _, client in
            let image = SimulatorImages.front(person: "zed", .spoof)
            let error = try #require(await frontError(image, client))
            let person = SimulatedPerson(seed: "zed")
            let text = "\(error)"
            #expect(!text.contains(person.idNumber) && !text.contains(person.firstNameEnglish))
            #expect(!text.contains(image) && !text.contains(ClientFixture.apiKey))
        }
    }
}
