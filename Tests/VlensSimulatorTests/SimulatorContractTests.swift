import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Testing

@testable import VlensSimulator

@Suite("Simulator contract details", .timeLimit(.minutes(2)))
struct SimulatorContractTests {
    static let backFields = ["maritalStatus", "job", "jobTitle", "religion", "idExpiry", "releaseDate"]
    static let frontFields = ["first_name", "last_names", "idNumber", "dateOfBirth", "govern", "gender"]

    // MARK: id/back fields without getExtractedData

    @Test("id/back without getExtractedData returns the back fields, as the page's request does")
    func backFieldsByDefault() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let person = SimulatedPerson(seed: "nadia")
            let front = try await http.post(SimulatorHTTP.front, ["image": SimulatorImages.front(person: "nadia")])
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            let back = try await http.post(
                SimulatorHTTP.back, ["image": SimulatorImages.back(person: "nadia"), "transaction_id": id])
            #expect(back.status == 200 && back.errorCode == nil)
            let data = try #require(back.object("data", "idBackData"))
            #expect(data["transaction_id"] as? String == id)
            #expect(data["maritalStatus"] as? String == person.maritalStatus)
            #expect(data["job"] as? String == person.job)
            #expect(data["jobTitle"] as? String == person.jobTitle)
            #expect(data["religion"] as? String == person.religion)
            #expect(data["idExpiry"] as? String == person.idExpiry)
            #expect(data["releaseDate"] as? String == person.releaseDate)

            // Back first, no flag: the fields too.
            let backFirst = try await http.post(SimulatorHTTP.back, ["image": SimulatorImages.back(person: "omar")])
            #expect(backFirst.object("data", "idBackData")?["idExpiry"] as? String == SimulatedPerson(seed: "omar").idExpiry)
        }
    }

    @Test("id/back with getExtractedData false returns only the transaction id; true returns the fields")
    func backFieldsExplicitFlag() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let off = try await http.post(
                SimulatorHTTP.back, ["image": SimulatorImages.back(person: "pia"), "getExtractedData": false])
            #expect(off.status == 200)
            let data = try #require(off.object("data", "idBackData"))
            #expect(Array(data.keys) == ["transaction_id"])
            let on = try await http.post(
                SimulatorHTTP.back, ["image": SimulatorImages.back(person: "pia"), "getExtractedData": true])
            let fields = try #require(on.object("data", "idBackData"))
            #expect(Self.backFields.allSatisfy { fields[$0] is String })
        }
    }

    @Test("id/front keeps its default: the OCR fields only with getExtractedData true")
    func frontUnchanged() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let bare = try await http.post(SimulatorHTTP.front, ["image": SimulatorImages.front(person: "rana")])
            #expect(bare.status == 200)
            #expect(Array(try #require(bare.object("data", "idFrontData")).keys) == ["transaction_id"])
            let asked = try await http.post(
                SimulatorHTTP.front, ["image": SimulatorImages.front(person: "rana"), "getExtractedData": true])
            let fields = try #require(asked.object("data", "idFrontData"))
            #expect(Self.frontFields.allSatisfy { fields[$0] is String })
        }
    }

    // MARK: Image validation

    static let invalidImages: [(label: String, image: String)] = [
        ("empty", ""),
        ("not base64 at all", "not base64!!"),
        ("length not a multiple of 4", "QUJDRA"),
        ("base64url alphabet", "ab-_cd=="),
        ("line breaks", "QUJD\nRA=="),
        ("padding in the middle", "QU=DRA=="),
        ("too much padding", "Q==="),
    ]

    @Test("an ID image that is empty or not standard base64 gets 400, error_code 3001, in the Vlens envelope",
          arguments: [SimulatorHTTP.front, SimulatorHTTP.back])
    func invalidIDImage(path: String) async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            for (label, image) in Self.invalidImages {
                let reply = try await http.post(path, ["image": image, "getExtractedData": true])
                #expect(reply.status == 400, "\(label)")
                #expect(reply.errorCode == 3001, "\(label)")
                #expect(reply.json["data"] is NSNull, "\(label)")
                let message = try #require(reply.json["error_message"] as? String)
                let field = message.hasPrefix("image ")
                #expect(field, "\(label): the message names the field")
                #expect(image.isEmpty || !message.contains(image), "\(label): the message never holds the value")
                #expect((reply.json["error_descriptions"] as? [String]) == [message])
                let errors = try #require(reply.object("services", "Validations")?["validation_errors"] as? [[String: Any]])
                #expect(errors.count == 1 && errors[0]["field"] as? String == "image" && errors[0]["value"] is NSNull)
            }
            let missing = try await http.post(path, ["getExtractedData": true])
            #expect(missing.status == 400 && missing.errorCode == 3001)
            #expect(missing.json["error_message"] as? String == "image is required")
            let ledger = server.ledger()
            #expect(ledger.totals.byOutcome["error_3001"] == Self.invalidImages.count + 1)
            #expect(ledger.calls.allSatisfy { $0.transactionId == nil }, "no transaction was created")
        }
    }

    @Test("liveness names every bad field among image and face_1..3; values never appear")
    func invalidLivenessImages() async throws {
        try await SimulatorHTTP.withSimulator { _, http in
            let front = try await http.front(SimulatorImages.front(person: "sami"))
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            _ = try await http.back(SimulatorImages.back(person: "sami"), transactionId: id)
            let faces = SimulatorImages.faces(person: "sami")
            let secret = "c2VjcmV0LWZhY2U=!"
            let reply = try await http.post(
                SimulatorHTTP.liveness,
                ["image": SimulatorImages.front(person: "sami"), "face_1": faces[0], "face_2": secret, "face_3": "",
                 "transaction_id": id])
            #expect(reply.status == 400 && reply.errorCode == 3001)
            #expect(reply.json["data"] is NSNull)
            let message = try #require(reply.json["error_message"] as? String)
            #expect(message == "face_2 is not valid base64; face_3 is required")
            #expect(reply.json["error_descriptions"] as? [String] == ["face_2 is not valid base64", "face_3 is required"])
            let errors = try #require(reply.object("services", "Validations")?["validation_errors"] as? [[String: Any]])
            #expect(errors.compactMap { $0["field"] as? String } == ["face_2", "face_3"])
            let body = String(decoding: try JSONSerialization.data(withJSONObject: reply.json), as: UTF8.self)
            #expect(!body.contains("c2VjcmV0"))

            let badID = try await http.post(
                SimulatorHTTP.liveness,
                ["image": "%%%%", "face_1": faces[0], "face_2": faces[1], "face_3": faces[2], "transaction_id": id])
            #expect(badID.status == 400 && badID.errorCode == 3001)
            #expect(badID.json["error_message"] as? String == "image is not valid base64")

            // The transaction is untouched: the same call with valid images completes it.
            let live = try await http.liveness(idImage: SimulatorImages.front(person: "sami"), faces: faces, transactionId: id)
            #expect(live.status == 200 && live.value("data", "isVerificationProcessCompleted") as? Bool == true)
        }
    }

    @Test("valid images keep working: SimulatorImages, plain photos, short padded base64, raw marker text")
    func validImages() async throws {
        #expect(ImageValidation.isStandardBase64("eA=="))
        #expect(ImageValidation.isStandardBase64("/9j/4AAQSkZJRgABAQ=="))
        #expect(ImageValidation.isStandardBase64("QUJD"))
        for outcome in SimulatorOutcome.all {
            #expect(ImageValidation.isStandardBase64(SimulatorImages.front(person: "t", outcome)))
        }
        for bytes in [1, 2, 3, 256, 4096] {
            #expect(ImageValidation.isStandardBase64(SimulatorImages.plain(seed: "p", bytes: bytes)))
        }
        #expect(ImageValidation.isAcceptable("VLENS-SIM:person=alice,spoof"))
        for (label, image) in Self.invalidImages {
            #expect(!ImageValidation.isAcceptable(image), "\(label)")
        }

        try await SimulatorHTTP.withSimulator { _, http in
            #expect(try await http.front("eA==").status == 200)
            #expect(try await http.front(SimulatorImages.plain(seed: "photo", bytes: 300_000)).status == 200)
            #expect(try await http.front(SimulatorImages.front(person: "u", padding: 200_000)).status == 200)
            // The README's hand-written curl flow: raw marker text as every image.
            let front = try await http.front("VLENS-SIM:person=alice")
            #expect(front.status == 200)
            let id = try #require(front.object("data", "idFrontData")?["transaction_id"] as? String)
            #expect(try await http.back("VLENS-SIM:person=alice", transactionId: id).status == 200)
            let live = try await http.liveness(
                idImage: "VLENS-SIM:person=alice", faces: ["VLENS-SIM:f1", "VLENS-SIM:f2", "VLENS-SIM:f3"], transactionId: id)
            #expect(live.status == 200 && live.value("data", "isDigitalIdentityVerified") as? Bool == true)
        }
    }

    // MARK: Token revocation

    @Test("a revoked token gets 401 Invalid user token like an unknown one; API-key-only calls still work")
    func revokeNamedTokens() async throws {
        let configuration = SimulatorConfiguration(
            apiKeys: [SimulatorHTTP.apiKey], tokens: [SimulatorToken(token: "configured", emailOrPhoneNumber: "c@x")],
            faults: SimulatorFaults(rateLimit: .unlimited))
        var logger = Logger(label: "simulator-test")
        logger.logLevel = .critical
        try await VlensSimulatorServer.withRunning(configuration: configuration, logger: logger) { server, url in
            try await SimulatorHTTP.withClient(url) { http in
                let issued = try #require(
                    try await http.post("/_simulator/tokens", ["emailOrPhoneNumber": "v@x"]).json["token"] as? String)
                let kept = server.issueToken(emailOrPhoneNumber: "k@x").token
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: issued).status == 200)

                let revoke = try await http.post("/_simulator/tokens/revoke", ["tokens": [issued, "configured", "never-issued"]])
                #expect(revoke.status == 200)
                #expect(revoke.json["revoked"] as? Int == 2)

                let unknown = try await http.front(SimulatorImages.front(person: "a"), bearer: "never-issued")
                for token in [issued, "configured"] {
                    let refused = try await http.front(SimulatorImages.front(person: "a"), bearer: token)
                    #expect(refused.status == 401)
                    #expect(refused.json["error_message"] as? String == "Invalid user token")
                    #expect(refused.json["error_message"] as? String == unknown.json["error_message"] as? String)
                    #expect(refused.json["data"] is NSNull)
                    #expect(try await http.back(SimulatorImages.back(person: "a"), bearer: token).status == 401)
                    #expect(try await http.post(SimulatorHTTP.link, ["transactionId": "x"], bearer: token).status == 401)
                }
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: kept).status == 200)

                // API-key-only captures (no Authorization) go through the whole flow.
                let (id, live) = try await http.completeFlow(person: "anon")
                #expect(live.status == 200 && live.value("data", "isDigitalIdentityVerified") as? Bool == true)
                #expect(server.ledger(transactionId: id).calls.allSatisfy { !$0.hadBearer && $0.status == 200 })

                // Link needs a valid user token: none is 401, a revoked one is 401, a live one links.
                let anonymous = try await http.post(SimulatorHTTP.link, ["transactionId": id])
                #expect(anonymous.status == 401)
                let revokedLink = try await http.post(SimulatorHTTP.link, ["transactionId": id], bearer: issued)
                #expect(revokedLink.status == 401 && revokedLink.json["error_message"] as? String == "Invalid user token")
                let linked = try await http.post(SimulatorHTTP.link, ["transactionId": id], bearer: kept)
                #expect(linked.status == 200 && linked.value("data", "isVerificationProcessCompleted") as? Bool == true)

                // Reset restores the start-up tokens (not the issued ones).
                server.reset()
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: "configured").status == 200)
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: issued).status == 401)
            }
        }
    }

    @Test("revoking all revokes every user token and keeps admin tokens")
    func revokeAll() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            let users = (1...3).map { server.issueToken(emailOrPhoneNumber: "u\($0)@x").token }
            let admin = server.issueToken(emailOrPhoneNumber: "ops@x", isAdmin: true).token
            let revoke = try await http.post("/_simulator/tokens/revoke", ["all": true])
            #expect(revoke.status == 200 && revoke.json["revoked"] as? Int == 3)
            for token in users {
                #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: token).status == 401)
            }
            let listing = try await http.get(
                "/api/DigitalIdentity/GetUserDigitalIdentityImages?emailOrPhoneNumber=u1%40x", bearer: admin)
            #expect(listing.status == 200)
            // A token issued afterwards works.
            let fresh = server.issueToken(emailOrPhoneNumber: "u1@x").token
            #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: fresh).status == 200)
            #expect(server.revokeTokens([fresh]) == 1)
            #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: fresh).status == 401)
        }
    }

    @Test("the revoke endpoint takes tokens or all: true, nothing else")
    func revokeBadRequests() async throws {
        try await SimulatorHTTP.withSimulator { server, http in
            let token = server.issueToken(emailOrPhoneNumber: "u@x").token
            for body: [String: Any] in [[:], ["all": false], ["all": true, "tokens": [token]], ["tokens": "one"]] {
                let reply = try await http.post("/_simulator/tokens/revoke", body)
                #expect(reply.status == 400)
                #expect(reply.json["error"] is String)
            }
            var notJSON = HTTPClientRequest(url: http.baseURL + "/_simulator/tokens/revoke")
            notJSON.method = .POST
            notJSON.body = .bytes(ByteBuffer(string: "{"))
            #expect(try await http.send(notJSON).status == 400)
            #expect(try await http.front(SimulatorImages.front(person: "a"), bearer: token).status == 200, "nothing was revoked")
            let none = try await http.post("/_simulator/tokens/revoke", ["tokens": [String]()])
            #expect(none.status == 200 && none.json["revoked"] as? Int == 0)
        }
    }
}
