import Verification

extension SimulatedPerson {
    /// `data.idFrontData` as Vlens returns it; only `transaction_id` unless `extract`.
    func frontJSON(transactionId: String, extract: Bool) -> JSONValue {
        guard extract else { return .object(["transaction_id": .string(transactionId)]) }
        return .object([
            "transaction_id": .string(transactionId),
            "first_name": .string(firstName), "last_names": .string(lastNames),
            "first_name_english": .string(firstNameEnglish), "last_names_english": .string(lastNamesEnglish),
            "idNumber": .string(idNumber), "dateOfBirth": .string(dateOfBirth),
            "govern": .string(govern), "city": .string(city), "district": .string(district),
            "gender": .string(gender),
        ])
    }

    /// `data.idBackData` as Vlens returns it; only `transaction_id` unless `extract`.
    func backJSON(transactionId: String, extract: Bool) -> JSONValue {
        guard extract else { return .object(["transaction_id": .string(transactionId)]) }
        return .object([
            "transaction_id": .string(transactionId),
            "idNumber": .string(idNumber), "gender": .string(gender),
            "maritalStatus": .string(maritalStatus), "job": .string(job), "jobTitle": .string(jobTitle),
            "religion": .string(religion), "releaseDate": .string(releaseDate), "idExpiry": .string(idExpiry),
        ])
    }
}
