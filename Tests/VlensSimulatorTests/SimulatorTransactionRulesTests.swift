import Foundation
import Testing

@testable import VlensSimulator

@Suite("Simulator transaction rules", .timeLimit(.minutes(2)))
struct SimulatorTransactionRulesTests {
    @Test("the first ID step creates the transaction and the OCR matches the person")
    func frontCreatesTransaction() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let reply = try await http.front(SimulatorImages.front(person: "alice"))
            #expect(reply.status == 200)
            #expect(reply.errorCode == nil)
            let front = try #require(reply.object("data", "idFrontData"))
            let person = SimulatedPerson(seed: "alice")
            #expect((front["transaction_id"] as? String)?.isEmpty == false)
            #expect(front["idNumber"] as? String == person.idNumber)
            #expect(front["first_name"] as? String == person.firstName)
            #expect(front["last_names_english"] as? String == person.lastNamesEnglish)
            #expect(front["dateOfBirth"] as? String == person.dateOfBirth)
            #expect(front["gender"] as? String == person.gender)
            #expect(front["govern"] as? String == person.govern)
            #expect(reply.value("services", "spoofing", "fake") as? Bool == false)
            #expect(reply.value("services", "classification", "doc_type") as? String == "EG_NATIONAL_ID_FRONT")
            #expect(reply.json.keys.contains("error_message") && reply.json.keys.contains("error_descriptions"))
        }
    }

    @Test("the same unmarked image always reads as the same person")
    func sameImageSamePerson() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let image = SimulatorImages.plain(seed: "photo-1", bytes: 2048)
            let first = try await http.front(image)
            let second = try await http.front(image)
            let a = first.object("data", "idFrontData")?["idNumber"] as? String
            #expect(a != nil && a == second.object("data", "idFrontData")?["idNumber"] as? String)
        }
    }

    @Test("back may come first; it returns the transaction id and the front joins it")
    func backFirst() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let back = try await http.back(SimulatorImages.back(person: "bob"))
            #expect(back.status == 200)
            let id = try #require(back.object("data", "idBackData")?["transaction_id"] as? String)
            let person = SimulatedPerson(seed: "bob")
            #expect(back.object("data", "idBackData")?["idExpiry"] as? String == person.idExpiry)
            #expect(back.object("data", "idBackData")?["maritalStatus"] as? String == person.maritalStatus)
            let front = try await http.front(SimulatorImages.front(person: "bob"), transactionId: id)
            #expect(front.status == 200)
            #expect(front.object("data", "idFrontData")?["transaction_id"] as? String == id)
            let live = try await http.liveness(
                idImage: SimulatorImages.front(person: "bob"), faces: SimulatorImages.faces(person: "bob"), transactionId: id)
            #expect(live.value("data", "isVerificationProcessCompleted") as? Bool == true)
        }
    }

    @Test("liveness before both sides are done is rejected with 400")
    func livenessTooEarly() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let front = try await http.front(SimulatorImages.front(person: "carol"))
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            let live = try await http.liveness(
                idImage: SimulatorImages.front(person: "carol"), faces: SimulatorImages.faces(person: "carol"),
                transactionId: id)
            #expect(live.status == 400)
            #expect(live.value("data") is NSNull)
        }
    }

    @Test("three distinct faces pass liveness and complete the flow")
    func livenessPasses() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let (_, live) = try await http.completeFlow(person: "dave")
            #expect(live.status == 200 && live.errorCode == nil)
            #expect(live.value("data", "isVerificationProcessCompleted") as? Bool == true)
            #expect(live.value("data", "isDigitalIdentityVerified") as? Bool == true)
            #expect(live.value("data", "user", "idNumber") as? String == SimulatedPerson(seed: "dave").idNumber)
            #expect(live.value("services", "liveness") as? Bool == true)
            #expect(live.value("services", "SRC", "isValid") as? Bool == true)
            #expect(live.value("services", "AML", "AML_matched") as? Bool == false)
        }
    }

    @Test("identical face images fail liveness")
    func identicalFaces() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let front = try await http.front(SimulatorImages.front(person: "erin"))
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            _ = try await http.back(SimulatorImages.back(person: "erin"), transactionId: id)
            let face = SimulatorImages.faces(person: "erin")[0]
            let live = try await http.liveness(
                idImage: SimulatorImages.front(person: "erin"), faces: [face, face, face], transactionId: id)
            #expect(live.status == 200)
            #expect(live.value("services", "liveness") as? Bool == false)
            #expect(live.value("data", "isVerificationProcessCompleted") as? Bool == false)
        }
    }

    @Test("link attaches an API-key-only transaction to the user, whose admin listing then shows its images")
    func linkAndAdminImages() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            let (id, _) = try await http.completeFlow(person: "frank")
            let user = server.issueToken(emailOrPhoneNumber: "+201234567890")
            let admin = server.issueToken(emailOrPhoneNumber: "ops@example.com", isAdmin: true)
            let linked = try await http.post(
                SimulatorHTTP.link, ["transactionId": id, "getExtractedData": true], bearer: user.token)
            #expect(linked.status == 200)
            #expect(linked.value("data", "isVerificationProcessCompleted") as? Bool == true)
            #expect(linked.object("data", "idFrontData")?["idNumber"] as? String == SimulatedPerson(seed: "frank").idNumber)

            let other = server.issueToken(emailOrPhoneNumber: "+201111111111")
            let stolen = try await http.post(SimulatorHTTP.link, ["transactionId": id], bearer: other.token)
            #expect(stolen.status == 403)
            let anonymous = try await http.post(SimulatorHTTP.link, ["transactionId": id])
            #expect(anonymous.status == 401)

            let list = try await http.get(
                "/api/DigitalIdentity/GetUserDigitalIdentityImages?emailOrPhoneNumber=%2B201234567890", bearer: admin.token)
            #expect(list.status == 200)
            let images = try #require(list.object("data")?["images"] as? [[String: Any]])
            let names = Set(images.compactMap { $0["fileName"] as? String })
            #expect(names == ["IdFront.jpg", "IdBack.jpg", "LivenessIdImage.jpg", "Face1.jpg", "Face2.jpg", "Face3.jpg"])
            let image = try await http.get(
                "/api/DigitalIdentity/GetStepImage?TransactionId=\(id)&FileName=IdBack.jpg", bearer: admin.token)
            #expect(image.object("data")?["image"] as? String == SimulatorImages.back(person: "frank"))
            let forbidden = try await http.get(
                "/api/DigitalIdentity/GetStepImage?TransactionId=\(id)&FileName=IdBack.jpg", bearer: user.token)
            #expect(forbidden.status == 403)
            let missing = try await http.get(
                "/api/DigitalIdentity/GetStepImage?TransactionId=\(id)&FileName=Nope.jpg", bearer: admin.token)
            #expect(missing.status == 404)
        }
    }

    @Test("link refuses a transaction that has not completed")
    func linkIncomplete() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            let front = try await http.front(SimulatorImages.front(person: "gina"))
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            let user = server.issueToken(emailOrPhoneNumber: "gina@example.com")
            let linked = try await http.post(SimulatorHTTP.link, ["transactionId": id], bearer: user.token)
            #expect(linked.status == 400)
        }
    }

    @Test("a transaction captured with a user token belongs to that user")
    func ownership() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            let owner = server.issueToken(emailOrPhoneNumber: "owner@example.com")
            let intruder = server.issueToken(emailOrPhoneNumber: "intruder@example.com")
            let front = try await http.front(SimulatorImages.front(person: "hana"), bearer: owner.token)
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            #expect(try await http.back(SimulatorImages.back(person: "hana"), transactionId: id, bearer: intruder.token).status == 403)
            #expect(try await http.back(SimulatorImages.back(person: "hana"), transactionId: id, bearer: owner.token).status == 200)
            #expect(try await http.back(SimulatorImages.back(person: "hana"), transactionId: "no-such-transaction").status == 400)
        }
    }

    @Test("tenants requiring authority checks verify only when SRC is valid")
    func authorityChecks() async throws {
        try await SimulatorHTTP.withSimulator(tenantRequiresAuthorityChecks: true) { _, http in
            let (_, valid) = try await http.completeFlow(person: "ivan")
            #expect(valid.value("data", "isDigitalIdentityVerified") as? Bool == true)
            let (_, invalid) = try await http.completeFlow(person: "jana", frontOutcomes: [.srcInvalid])
            #expect(invalid.value("data", "isVerificationProcessCompleted") as? Bool == true)
            #expect(invalid.value("data", "isDigitalIdentityVerified") as? Bool == false)
            #expect(invalid.value("services", "SRC", "isValid") as? Bool == false)
            #expect(invalid.value("services", "SRC", "errorKey") as? String == "ID_NOT_FOUND_IN_REGISTRY")
        }
        try await SimulatorHTTP.withSimulator(tenantRequiresAuthorityChecks: false) { _, http in
            let (_, invalid) = try await http.completeFlow(person: "jana", frontOutcomes: [.srcInvalid])
            #expect(invalid.value("data", "isDigitalIdentityVerified") as? Bool == true)
            #expect(invalid.value("services", "SRC", "isValid") as? Bool == false)
        }
    }
}
