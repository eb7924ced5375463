import Testing

@testable import VlensSimulator

@Suite("Simulated OCR")
struct SimulatedPersonTests {
    @Test("the same seed always gives the same person")
    func deterministic() {
        #expect(SimulatedPerson(seed: "alice") == SimulatedPerson(seed: "alice"))
        #expect(SimulatedPerson(seed: "alice").idNumber != SimulatedPerson(seed: "bob").idNumber)
    }

    @Test("a seed's person stays the same from one version to the next")
    func fixedPerson() {
        let person = SimulatedPerson(seed: "alice")
        #expect(person.idNumber == "29703021567060")
        #expect(person.firstNameEnglish == "Aya" && person.lastNamesEnglish == "Ali Karim Abdelrahman")
        #expect(person.dateOfBirth == "1997-03-02" && person.govern == "كفر الشيخ" && person.city == "دسوق")
        #expect(person.releaseDate == "2022-10-02" && person.idExpiry == "2029-10-02")
    }

    @Test("the national ID number agrees with birth date, gender and governorate", arguments: (0..<200).map { "seed-\($0)" })
    func nationalIDStructure(seed: String) throws {
        let person = SimulatedPerson(seed: seed)
        let digits = person.idNumber.compactMap(\.wholeNumberValue)
        #expect(person.idNumber.count == 14 && digits.count == 14)
        let year = Int(person.dateOfBirth.prefix(4))!
        #expect(digits[0] == (year < 2000 ? 2 : 3))
        let yymmdd = person.dateOfBirth.replacingOccurrences(of: "-", with: "").dropFirst(2)
        #expect(person.idNumber.dropFirst().prefix(6) == yymmdd)
        let governorate = Int(person.idNumber.dropFirst(7).prefix(2))!
        #expect((1...35).contains(governorate) || governorate == 88)
        #expect(String(person.idNumber.dropFirst(7).prefix(2)) == person.birthGovernorateCode)
        #expect((digits[12] % 2 == 1) == (person.gender == "M"))
        #expect(digits[13] == SimulatedPerson.checkDigit(Array(digits.prefix(13))))
        #expect(person.idExpiry > person.releaseDate && person.idExpiry >= "2028")
        #expect(!person.firstName.isEmpty && !person.lastNamesEnglish.isEmpty && !person.govern.isEmpty)
    }

    @Test("an expired card keeps the person and moves the expiry into the past")
    func expiredCard() {
        let person = SimulatedPerson(seed: "carol")
        let expired = person.withExpiredCard()
        #expect(expired.idNumber == person.idNumber)
        #expect(expired.idExpiry.hasPrefix("2017"))
    }

    @Test("markers are read from the decoded image bytes and from raw marker text")
    func markers() {
        let image = SimulatorImages.front(person: "dave", .spoof, .aml)
        let marker = ImageMarker(image: image)
        #expect(marker.personSeed == "dave")
        #expect(marker.has(.spoof) && marker.has(.aml) && !marker.has(.expired))
        #expect(ImageMarker(image: "VLENS-SIM:person=erin,no-card").has(.noCard))
        #expect(ImageMarker(image: SimulatorImages.plain(seed: "x")) == ImageMarker(image: ""))
    }
}
