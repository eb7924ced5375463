import Testing
import Verification

@Suite("Egyptian national ID numbers and the ID consistency pre-check")
struct IDConsistencyTests {
    @Test("a 14-digit number parses into century, birth date, governorate and gender digit")
    func parses() throws {
        let id = try #require(EgyptianNationalID("29901230123457"))
        #expect(id.century == 1900)
        #expect(id.birthDate == .init(year: 1999, month: 1, day: 23))
        #expect(id.governorate == 1)
        #expect(id.genderDigit == 5 && id.isMale)
    }

    @Test("2000s births, births abroad, Arabic-Indic digits; the check digit is not validated")
    func variants() throws {
        let abroad = try #require(EgyptianNationalID("30402298812340"))
        #expect(abroad.century == 2000 && abroad.birthDate == .init(year: 2004, month: 2, day: 29))
        #expect(abroad.governorate == 88 && !abroad.isMale)
        #expect(EgyptianNationalID("30402298812349") != nil)
        let arabic = try #require(EgyptianNationalID("٢٩٩٠١٢٣٠١٢٣٤٥٧"))
        #expect(arabic == EgyptianNationalID("29901230123457"))
    }

    @Test(
        "malformed numbers do not parse",
        arguments: [
            "2990123012345", "299012301234577", "19901230123457", "49901230123457", "29913230123457",
            "29902300123457", "29901233623457", "29901230023457", "2990123012345x", "",
            "30502290112346",
        ])
    func malformed(number: String) {
        #expect(EgyptianNationalID(number) == nil)
    }

    @Test("matching date of birth and gender are consistent, in the forms OCR gives them")
    func consistent() {
        #expect(IDConsistencyCheck(idNumber: "29901230123457", dateOfBirth: "1999-01-23", gender: "M").consistent)
        #expect(
            IDConsistencyCheck(idNumber: "29901230123468", dateOfBirth: "1999-01-23T00:00:00", gender: "female")
                .consistent)
        #expect(IDConsistencyCheck(idNumber: "29901230123468", dateOfBirth: "1999-01-23", gender: "أنثى").consistent)
        #expect(IDConsistencyCheck(idNumber: "29901230123468", dateOfBirth: nil, gender: nil).consistent)
    }

    @Test("mismatches are flagged by name")
    func mismatches() {
        #expect(
            IDConsistencyCheck(idNumber: "29901230123457", dateOfBirth: "1999-01-24", gender: "M").mismatches == [
                .dateOfBirth
            ])
        #expect(
            IDConsistencyCheck(idNumber: "29901230123457", dateOfBirth: "1999-01-23", gender: "F").mismatches == [
                .gender
            ])
        #expect(
            IDConsistencyCheck(idNumber: "29901230123457", dateOfBirth: "1998-01-23", gender: "F").mismatches == [
                .dateOfBirth, .gender,
            ])
        let malformed = IDConsistencyCheck(idNumber: "12345", dateOfBirth: "1999-01-23", gender: "M")
        #expect(!malformed.consistent && malformed.mismatches == [.idNumberFormat])
    }

    @Test("the check reads a Vlens front response's idFrontData")
    func fromVlensData() {
        let data: JSONValue = .object([
            "idFrontData": .object([
                "idNumber": .string("29901230123457"), "dateOfBirth": .string("1999-01-23"), "gender": .string("F"),
            ])
        ])
        #expect(IDConsistencyCheck(vlensData: data)?.mismatches == [.gender])
        #expect(IDConsistencyCheck(vlensData: .object(["user": .object([:])])) == nil)
    }
}
