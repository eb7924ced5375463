import Foundation
import Testing
import TestSupport
import Workflow

/// The v1 form never tells a v1 consumer to create a contract v2 refuses.
@Suite("Result v1 projection")
struct ResultV1ProjectionTests {
    @Test("a not_verified transaction whose Vlens flags said verified (a failed registry check) is identityVerified false in v1")
    func notVerifiedIsNotIdentityVerified() throws {
        let url = try #require(try ContractFiles.examples("verification-result").first { $0.lastPathComponent == "liveness-succeeded-not-verified.json" })
        let v2 = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect((v2["verification"] as? [String: Any])?["identityVerified"] as? Bool == true, "the example's Vlens flags say verified")
        let v1 = try ResultV1Projection.bytes(ofV2: Array(try Data(contentsOf: url)))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(v1)) as? [String: Any])
        #expect(object["final"] as? Bool == true)
        #expect((object["verification"] as? [String: Any])?["identityVerified"] as? Bool == false)
    }
}
