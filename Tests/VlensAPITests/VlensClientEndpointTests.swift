import Testing
import VlensAPI
import VlensSimulator

@Suite("Vlens client endpoints", .timeLimit(.minutes(2)))
struct VlensClientEndpointTests {
    @Test("front returns the transaction id and every front OCR field")
    func front() async throws {
        try await ClientFixture.withClient { server, client in
            let response = try await client.verifyIDFront(
                image: SimulatorImages.front(person: "alice"), context: ClientFixture.context())
            let person = SimulatedPerson(seed: "alice")
            let front = try #require(response.data.idFrontData)
            #expect(response.transactionId != nil)
            #expect(front.idNumber == person.idNumber)
            #expect(front.firstName == person.firstName && front.lastNames == person.lastNames)
            #expect(front.firstNameEnglish == person.firstNameEnglish && front.lastNamesEnglish == person.lastNamesEnglish)
            #expect(front.dateOfBirth == person.dateOfBirth && front.gender == person.gender)
            #expect(front.govern == person.govern && front.city == person.city && front.district == person.district)
            #expect(response.services.isFake == false)
            #expect(response.services.documentType == "EG_NATIONAL_ID_FRONT")
            #expect(response.services.validationErrors.isEmpty)

            let ledger = server.ledger(clientTransactionId: "capture-1")
            #expect(ledger.entries.first?.requestIds == ["req-1"])
        }
    }

    @Test("back first returns the transaction id from idBackData, and every back OCR field")
    func backFirst() async throws {
        try await ClientFixture.withClient { _, client in
            let back = try await client.verifyIDBack(image: SimulatorImages.back(person: "bob"), context: ClientFixture.context())
            let id = try #require(back.transactionId)
            let person = SimulatedPerson(seed: "bob")
            let data = try #require(back.data.idBackData)
            #expect(data.idNumber == person.idNumber && data.maritalStatus == person.maritalStatus)
            #expect(data.job == person.job && data.jobTitle == person.jobTitle && data.religion == person.religion)
            #expect(data.idExpiry == person.idExpiry && data.releaseDate == person.releaseDate)
            let front = try await client.verifyIDFront(
                image: SimulatorImages.front(person: "bob"), transactionId: id, context: ClientFixture.context())
            #expect(front.transactionId == id)
        }
    }

    @Test("liveness completes the flow with the verification flags, user id number and services")
    func liveness() async throws {
        try await ClientFixture.withClient { _, client in
            let response = try await ClientFixture.completeFlow(client, person: "carol")
            #expect(response.data.isVerificationProcessCompleted == true)
            #expect(response.data.isDigitalIdentityVerified == true)
            #expect(response.data.userIdNumber == SimulatedPerson(seed: "carol").idNumber)
            #expect(response.services.liveness == true && response.services.isFake == false)
            #expect(response.services.srcIsValid == true && response.services.amlMatched == false)
        }
    }

    @Test("AML and SRC verdicts come through without being errors")
    func amlAndSRC() async throws {
        try await ClientFixture.withClient(tenantRequiresAuthorityChecks: true) { _, client in
            let front = try await client.verifyIDFront(
                image: SimulatorImages.front(person: "dina", .aml, .srcInvalid), context: ClientFixture.context())
            let id = try #require(front.transactionId)
            _ = try await client.verifyIDBack(
                image: SimulatorImages.back(person: "dina"), transactionId: id, context: ClientFixture.context())
            let faces = SimulatorImages.faces(person: "dina")
            let response = try await client.verifyLiveness(
                idImage: SimulatorImages.front(person: "dina"), face1: faces[0], face2: faces[1], face3: faces[2],
                transactionId: id, context: ClientFixture.context())
            #expect(response.data.isVerificationProcessCompleted == true)
            #expect(response.data.isDigitalIdentityVerified == false)
            #expect(response.services.amlMatched == true && response.services.amlMatchCount == 1)
            #expect(response.services.srcIsValid == false)
            #expect(response.services.srcErrorKey == "ID_NOT_FOUND_IN_REGISTRY" && response.services.srcErrorCode == "404")
        }
    }

    @Test("link attaches an API-key-only transaction; the admin endpoints list and return its images")
    func linkAndAdmin() async throws {
        try await ClientFixture.withClient { server, client in
            let front = try await client.verifyIDFront(image: SimulatorImages.front(person: "eve"), context: ClientFixture.context())
            let id = try #require(front.transactionId)
            _ = try await client.verifyIDBack(
                image: SimulatorImages.back(person: "eve"), transactionId: id, context: ClientFixture.context())
            let faces = SimulatorImages.faces(person: "eve")
            _ = try await client.verifyLiveness(
                idImage: SimulatorImages.front(person: "eve"), face1: faces[0], face2: faces[1], face3: faces[2],
                transactionId: id, context: ClientFixture.context())

            let user = server.issueToken(emailOrPhoneNumber: "+201000000001")
            let linked = try await client.linkUserWithExistingTransaction(
                transactionId: id, context: ClientFixture.context(token: user.token))
            #expect(linked.data.isVerificationProcessCompleted == true)
            #expect(linked.data.idFrontData?.idNumber == SimulatedPerson(seed: "eve").idNumber)

            let admin = server.issueToken(emailOrPhoneNumber: "ops", isAdmin: true)
            let list = try await client.getUserDigitalIdentityImages(emailOrPhoneNumber: "+201000000001", adminToken: admin.token)
            #expect(list.images.count == 6)
            #expect(list.images.allSatisfy { $0.transactionId == id })
            let image = try await client.getStepImage(transactionId: id, fileName: "Face2.jpg", adminToken: admin.token)
            #expect(image.base64 == faces[1])

            let notAdmin = await ClientFixture.vlensError {
                try await client.getStepImage(transactionId: id, fileName: "Face2.jpg", adminToken: user.token)
            }
            #expect(notAdmin?.code == .forbidden && notAdmin?.category == .credentials)
            let missing = await ClientFixture.vlensError {
                try await client.getStepImage(transactionId: id, fileName: "None.jpg", adminToken: admin.token)
            }
            #expect(missing?.code == .notFound)
        }
    }

    @Test("a bearer header goes only with a user token; the ApiKey always; traceparent passes through")
    func headers() async throws {
        try await ClientFixture.withClient { server, client in
            let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            _ = try await client.verifyIDFront(
                image: SimulatorImages.front(person: "gus"),
                context: VlensCallContext(clientTransactionId: "cap-trace", requestId: "r", traceparent: traceparent))
            let traced = try #require(server.ledger(clientTransactionId: "cap-trace").calls.first)
            #expect(traced.traceparent == traceparent && traced.hadBearer == false && traced.outcome == "ok")

            let user = server.issueToken(emailOrPhoneNumber: "u@example.com")
            let owned = try await client.verifyIDFront(
                image: SimulatorImages.front(person: "fay"), context: ClientFixture.context("cap-fay", token: user.token))
            #expect(server.ledger(clientTransactionId: "cap-fay").calls.first?.hadBearer == true)
            // Owned by the user: an API-key-only call on it is refused, which shows the first call carried the bearer.
            let anonymous = await ClientFixture.vlensError {
                try await client.verifyIDBack(
                    image: SimulatorImages.back(person: "fay"), transactionId: owned.transactionId, context: ClientFixture.context())
            }
            #expect(anonymous?.code == .forbidden)
            let linkWithoutToken = await ClientFixture.vlensError {
                try await client.linkUserWithExistingTransaction(transactionId: "x", context: ClientFixture.context())
            }
            #expect(linkWithoutToken?.code == .badRequest)
        }
    }
}
