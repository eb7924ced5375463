import Verification
import VlensAPI

extension VlensStepResponse {
    /// The result's summary of Vlens's `services` block; `nil` when Vlens reported none. With
    /// `details` (the configuration allows extracted data) also the AML match count and the SRC
    /// error code; never Vlens's free-text messages, which may hold personal data.
    package func servicesSummary(includingDetails details: Bool) -> VerificationResult.Services? {
        let summary = VerificationResult.Services(
            liveness: services.liveness,
            spoofingFake: services.isFake,
            docType: services.documentType,
            srcValid: services.srcIsValid,
            amlMatched: services.amlMatched,
            amlMatchCount: details && services.amlMatched != nil ? services.amlMatchCount : nil,
            srcErrorCode: details ? services.srcErrorCode : nil
        )
        return summary == VerificationResult.Services() ? nil : summary
    }

    /// The OCR'd data in the result's `extractedData` shape (Vlens's own field names).
    package var extractedData: JSONValue? {
        var members: [String: JSONValue] = [:]
        if let front = data.idFrontData {
            members["idFrontData"] = .object(Self.compact([
                "transaction_id": front.transactionId, "first_name": front.firstName, "last_names": front.lastNames,
                "first_name_english": front.firstNameEnglish, "last_names_english": front.lastNamesEnglish,
                "idNumber": front.idNumber, "dateOfBirth": front.dateOfBirth, "gender": front.gender,
                "govern": front.govern, "city": front.city, "district": front.district,
            ]))
        }
        if let back = data.idBackData {
            members["idBackData"] = .object(Self.compact([
                "transaction_id": back.transactionId, "idNumber": back.idNumber, "gender": back.gender,
                "maritalStatus": back.maritalStatus, "job": back.job, "jobTitle": back.jobTitle,
                "religion": back.religion, "idExpiry": back.idExpiry, "releaseDate": back.releaseDate,
            ]))
        }
        if let idNumber = data.userIdNumber {
            members["user"] = .object(["idNumber": .string(idNumber)])
        }
        return members.isEmpty ? nil : .object(members)
    }

    /// The ID-consistency flag for a front response (number against date of birth and gender).
    package var idConsistency: IDConsistencyCheck? {
        guard let front = data.idFrontData, let number = front.idNumber else { return nil }
        return IDConsistencyCheck(idNumber: number, dateOfBirth: front.dateOfBirth, gender: front.gender)
    }

    private static func compact(_ fields: [String: String?]) -> [String: JSONValue] {
        fields.compactMapValues { $0.map(JSONValue.string) }
    }
}
