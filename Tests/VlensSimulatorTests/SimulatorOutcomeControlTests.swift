import Testing

@testable import VlensSimulator

@Suite("Simulator outcome controls", .timeLimit(.minutes(2)))
struct SimulatorOutcomeControlTests {
    @Test("unreadable gives error 1050 in an HTTP 200 envelope")
    func unreadable() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let reply = try await http.front(SimulatorImages.front(person: "a", .unreadable))
            #expect(reply.status == 200 && reply.errorCode == 1050)
            #expect(reply.json["error_message"] as? String == "Image quality too low")
        }
    }

    @Test("no-card gives error 3011")
    func noCard() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let reply = try await http.back(SimulatorImages.back(person: "a", .noCard))
            #expect(reply.status == 200 && reply.errorCode == 3011)
        }
    }

    @Test("expired gives error 3010 with a validation error on idExpiry")
    func expired() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let reply = try await http.back(SimulatorImages.back(person: "a", .expired))
            #expect(reply.status == 422 && reply.errorCode == 3010)
            let errors = try #require(reply.object("services", "Validations")?["validation_errors"] as? [[String: Any]])
            #expect(errors.first?["field"] as? String == "idExpiry")
        }
    }

    @Test("a back that reads a different ID number gives error 3101; marker or different person seeds")
    func mismatch() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let front = try await http.front(SimulatorImages.front(person: "a"))
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            let marked = try await http.back(SimulatorImages.back(person: "a", .mismatch), transactionId: id)
            #expect(marked.status == 422 && marked.errorCode == 3101)
            let otherPerson = try await http.back(SimulatorImages.back(person: "b"), transactionId: id)
            #expect(otherPerson.errorCode == 3101)
            let unmarked = try await http.back(SimulatorImages.plain(seed: "back-photo"), transactionId: id)
            #expect(unmarked.status == 200 && unmarked.errorCode == nil)
            #expect(unmarked.object("data", "idBackData")?["idNumber"] as? String == SimulatedPerson(seed: "a").idNumber)

            let backFirst = try await http.back(SimulatorImages.back(person: "c", .mismatch))
            let second = try #require(backFirst.object("data", "idBackData")?["transaction_id"] as? String)
            #expect(try await http.front(SimulatorImages.front(person: "c"), transactionId: second).errorCode == 3101)
        }
    }

    @Test("spoof sets services.spoofing.fake on the ID step and on liveness")
    func spoof() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let reply = try await http.front(SimulatorImages.front(person: "a", .spoof))
            #expect(reply.status == 200 && reply.errorCode == nil)
            #expect(reply.value("services", "spoofing", "fake") as? Bool == true)
            let (_, live) = try await http.completeFlow(person: "b", frontOutcomes: [])
            #expect(live.value("services", "spoofing", "fake") as? Bool == false)
        }
    }

    @Test("aml reports AML_matched with a match entry")
    func aml() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let (_, live) = try await http.completeFlow(person: "a", frontOutcomes: [.aml])
            #expect(live.value("services", "AML", "AML_matched") as? Bool == true)
            #expect((live.object("services", "AML")?["data"] as? [Any])?.count == 1)
        }
    }

    @Test("liveness-fail on a face fails liveness")
    func livenessFail() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let front = try await http.front(SimulatorImages.front(person: "a"))
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            _ = try await http.back(SimulatorImages.back(person: "a"), transactionId: id)
            let live = try await http.liveness(
                idImage: SimulatorImages.front(person: "a"), faces: SimulatorImages.faces(person: "a", .livenessFail),
                transactionId: id)
            #expect(live.value("services", "liveness") as? Bool == false)
        }
    }
}
