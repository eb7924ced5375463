import Foundation
import SeededRandom
import Verification

extension SimulatorEngine {
    /// `verify/id/front` and `verify/id/back`: the first ID step creates the transaction; either order works.
    ///
    /// The OCR fields come back when asked for: on the front only with `getExtractedData: true` (the
    /// page's front request sends it); on the back unless `getExtractedData: false`, because the page's
    /// back request sends no flag yet documents the back fields (see ``StepContext/extractBack``).
    mutating func idSide(_ step: SimulatorStep, _ context: StepContext, transactionId: inout String?) -> SimulatorReply {
        let problems = ImageValidation.problems([("image", context.body.image)])
        guard problems.isEmpty, let image = context.body.image else { return .invalidImages(problems) }
        var transaction: SimulatedTransaction
        if let id = context.body.transactionId {
            switch existingTransaction(id, context) {
            case .success(let existing): transaction = existing
            case .failure(let error): return error.reply
            }
        } else {
            let id = UUID().uuidString.lowercased()
            transaction = SimulatedTransaction(id: id, apiKey: context.apiKey, owner: context.user?.emailOrPhoneNumber)
        }
        let isFront = step == .idFront
        let marker = ImageMarker(image: image)
        let docType = isFront ? "EG_NATIONAL_ID_FRONT" : "EG_NATIONAL_ID_BACK"
        if marker.has(.unreadable) {
            return .envelope(errorCode: 1050, errorMessage: "Image quality too low")
        }
        if marker.has(.noCard) {
            return .envelope(
                services: .object(["classification": .object(["doc_type": "unknown"])]),
                errorCode: 3011, errorMessage: "Card not detected")
        }
        let other = isFront ? transaction.back : transaction.front
        // An unmarked side reads as the other side's person; `mismatch` reads as someone else, whichever came first.
        let seed = marker.personSeed ?? other?.seed ?? "image:\(SplitMix64.fnv1a(image.utf8))"
        let person = SimulatedPerson(seed: marker.has(.mismatch) ? seed + "#mismatch" : seed)
        if let other, other.person.idNumber != person.idNumber {
            return .envelope(
                status: 422, services: Self.validations([(field: "idNumber", code: 3101, message: "ID number differs between front and back")]),
                errorCode: 3101, errorMessage: "ID number differs between front and back")
        }
        if marker.has(.expired) {
            return .envelope(
                status: 422, services: Self.validations([(field: "idExpiry", code: 3010, message: "ID card expired")]),
                errorCode: 3010, errorMessage: "ID card expired")
        }
        let spoofed = marker.has(.spoof)
        transaction.amlMatched = transaction.amlMatched || marker.has(.aml)
        transaction.srcInvalid = transaction.srcInvalid || marker.has(.srcInvalid)
        if transaction.owner == nil { transaction.owner = context.user?.emailOrPhoneNumber }
        if !spoofed {
            let side = SimulatedTransaction.Side(person: person, seed: seed)
            if isFront { transaction.front = side } else { transaction.back = side }
            transaction.completed = false
            transaction.verified = false
        }
        transaction.store(isFront ? "IdFront.jpg" : "IdBack.jpg", image)
        save(transaction)
        transactionId = transaction.id

        let data: JSONValue =
            isFront
            ? .object(["idFrontData": person.frontJSON(transactionId: transaction.id, extract: context.extract)])
            : .object(["idBackData": person.backJSON(transactionId: transaction.id, extract: context.extractBack)])
        let services = JSONValue.object([
            "spoofing": .object(["fake": .bool(spoofed)]),
            "classification": .object(["doc_type": .string(docType)]),
            "Validations": .object(["validation_errors": []]),
        ])
        return .envelope(data: data, services: services, outcome: spoofed ? "spoof" : "ok")
    }

    /// `verify/liveness/multi`: both sides first; three distinct faces pass.
    mutating func liveness(_ context: StepContext) -> SimulatorReply {
        let body = context.body
        guard let id = body.transactionId else { return .rejected(400, "transaction_id is required") }
        let problems = ImageValidation.problems([
            ("image", body.image), ("face_1", body.face1), ("face_2", body.face2), ("face_3", body.face3),
        ])
        guard problems.isEmpty, let image = body.image, let face1 = body.face1, let face2 = body.face2,
            let face3 = body.face3
        else { return .invalidImages(problems) }
        var transaction: SimulatedTransaction
        switch existingTransaction(id, context) {
        case .success(let existing): transaction = existing
        case .failure(let error): return error.reply
        }
        guard let person = transaction.person, transaction.front != nil, transaction.back != nil else {
            return .rejected(400, "Both id/front and id/back must be completed before liveness")
        }
        let idMarker = ImageMarker(image: image)
        let faces = [face1, face2, face3]
        let livenessPassed =
            face1 != face2 && face1 != face3 && face2 != face3 && !faces.contains { ImageMarker(image: $0).has(.livenessFail) }
        let spoofed = idMarker.has(.spoof)
        transaction.amlMatched = transaction.amlMatched || idMarker.has(.aml)
        transaction.srcInvalid = transaction.srcInvalid || idMarker.has(.srcInvalid)
        if transaction.owner == nil { transaction.owner = context.user?.emailOrPhoneNumber }
        transaction.completed = livenessPassed && !spoofed
        transaction.verified =
            transaction.completed && (!configuration.tenantRequiresAuthorityChecks || !transaction.srcInvalid)
        transaction.store("LivenessIdImage.jpg", image)
        for (index, face) in faces.enumerated() { transaction.store("Face\(index + 1).jpg", face) }
        save(transaction)

        var services = finalServices(transaction, person: person)
        if case .object(var members) = services {
            members["liveness"] = .bool(livenessPassed)
            members["spoofing"] = .object(["fake": .bool(spoofed)])
            services = .object(members)
        }
        let outcome = !livenessPassed ? "liveness_failed" : spoofed ? "spoof" : "ok"
        return .envelope(data: resultData(transaction, person: person, extract: context.extract), services: services, outcome: outcome)
    }

    /// `LinkUserWithExistingTransaction`: attaches a completed API-key-only transaction to the caller.
    mutating func link(_ context: StepContext) -> SimulatorReply {
        guard let user = context.user else { return .rejected(401, "A user token is required") }
        guard let id = context.body.transactionId else { return .rejected(400, "transactionId is required") }
        guard var transaction = transactions[id], transaction.apiKey == context.apiKey else {
            return .rejected(400, "Transaction not found")
        }
        if let owner = transaction.owner, owner != user.emailOrPhoneNumber {
            return .rejected(403, "The transaction belongs to another user")
        }
        guard transaction.completed, let person = transaction.person else {
            return .rejected(400, "The transaction has not completed verification")
        }
        transaction.owner = user.emailOrPhoneNumber
        save(transaction)
        var services = finalServices(transaction, person: person)
        if case .object(var members) = services {
            members["liveness"] = true
            services = .object(members)
        }
        return .envelope(data: resultData(transaction, person: person, extract: context.extract), services: services)
    }

    /// `data` of liveness and link: the verification flags, the user, and the OCR when asked for.
    func resultData(_ transaction: SimulatedTransaction, person: SimulatedPerson, extract: Bool) -> JSONValue {
        var members: [String: JSONValue] = [
            "transaction_id": .string(transaction.id),
            "isVerificationProcessCompleted": .bool(transaction.completed),
            "isDigitalIdentityVerified": .bool(transaction.verified),
            "user": .object(["idNumber": .string(person.idNumber)]),
        ]
        if extract {
            members["idFrontData"] = person.frontJSON(transactionId: transaction.id, extract: true)
            members["idBackData"] = person.backJSON(transactionId: transaction.id, extract: true)
        }
        return .object(members)
    }

    /// `services` after the flow: spoofing, SRC (national registry) and AML.
    func finalServices(_ transaction: SimulatedTransaction, person: SimulatedPerson) -> JSONValue {
        let src: JSONValue =
            transaction.srcInvalid
            ? .object([
                "isValid": false, "errorCode": 404, "errorKey": "ID_NOT_FOUND_IN_REGISTRY",
                "errorMessage": "National ID not found in the civil registry",
            ])
            : .object(["isValid": true, "errorCode": .null, "errorKey": .null, "errorMessage": .null])
        let amlData: JSONValue =
            transaction.amlMatched
            ? [.object([
                "name": .string(person.firstNameEnglish + " " + person.lastNamesEnglish),
                "list": "SIMULATED-WATCHLIST", "score": .double(0.93),
            ])]
            : []
        return .object([
            "spoofing": .object(["fake": false]),
            "SRC": src,
            "AML": .object(["AML_matched": .bool(transaction.amlMatched), "data": amlData]),
        ])
    }

    static func validations(_ errors: [(field: String, code: Int, message: String)]) -> JSONValue {
        .object([
            "Validations": .object([
                "validation_errors": .array(errors.map { error in
                    .object([
                        "field": .string(error.field), "value": .null,
                        "errors": [.object(["code": .int(error.code), "message": .string(error.message)])],
                    ])
                })
            ])
        ])
    }
}
