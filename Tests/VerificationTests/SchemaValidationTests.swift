import TestSupport
import Foundation
import Testing
import Verification

@Suite("Contracts validate with real validators (scripts/validate-schemas)")
struct SchemaValidationTests {
    @Test(
        "every schema is draft 2020-12, every example validates, the AsyncAPI document is valid 3.0",
        .timeLimit(.minutes(2)))
    func everyExampleValidates() async throws {
        let run = try await ContractFiles.validate([])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains(", 0 error(s)"), "\(run.output)")
    }

    @Test("the validator rejects a capture that breaks the schema", .timeLimit(.minutes(2)))
    func validatorRejectsBrokenCaptures() async throws {
        let liveness = try String(
            contentsOf: ContractFiles.examples("capture-submitted")
                .first { $0.lastPathComponent == "liveness.json" }!, encoding: .utf8)
        let broken = [
            ("no-faces.json", liveness.replacingOccurrences(of: "\"faces\"", with: "\"selfies\"")),
            ("unknown-step.json", liveness.replacingOccurrences(of: "\"liveness\"", with: "\"selfie\"")),
            ("bad-sha.json", liveness.replacingOccurrences(of: "\"sha256\": \"", with: "\"sha256\": \"Z")),
        ]
        let paths = try ContractFiles.temporaryFiles(broken.map { ($0.0, Array($0.1.utf8)) })
        for path in paths {
            let run = try await ContractFiles.validate(["--kind", "capture-submitted", path])
            #expect(run.status == 1, "\(path) should fail: \(run.output)")
        }
    }

    @Test(
        "the AsyncAPI check rejects an invalid document, a dangling reference and a bad message example",
        .timeLimit(.minutes(2))
    )
    func asyncAPICheckRejectsBrokenDocuments() async throws {
        let file = ContractFiles.schemas.appendingPathComponent("asyncapi.yaml")
        let document = try String(contentsOf: file, encoding: .utf8)
        let broken = [
            ("bad-action.yaml", document.replacingOccurrences(of: "action: send", with: "action: publish")),
            (
                "dangling-ref.yaml",
                document.replacingOccurrences(
                    of: "'#/channels/verificationResult/messages/verificationResult'",
                    with: "'#/channels/verificationResult/messages/missing'")
            ),
            (
                "bad-example.yaml",
                document.replacingOccurrences(of: "ce_specversion: '1.0'", with: "ce_specversion: '0.3'")
            ),
        ]
        #expect(broken.allSatisfy { $0.1 != document })
        let paths = try ContractFiles.temporaryFiles(broken.map { ($0.0, Array($0.1.utf8)) })
        for path in paths {
            let run = try await ContractFiles.validate(["--asyncapi", path])
            #expect(run.status == 1, "\(path) should fail: \(run.output)")
        }
    }

    @Test(
        "results, captures and dead-letter records built by the Swift models validate against their schemas",
        .timeLimit(.minutes(2)))
    func swiftBuiltEventsValidate() async throws {
        let flow = try TransactionFlow.run()
        let results = try flow.results.enumerated().map { ("result-\($0.offset).json", try $0.element.encodedJSON()) }
        let captures = try flow.captures.enumerated().map {
            ("capture-\($0.offset).json", try $0.element.encodedJSON())
        }
        let deadLetters = try flow.deadLetters.enumerated().map {
            ("dlq-\($0.offset).json", try $0.element.encodedJSON())
        }
        #expect(results.count >= 8)
        for (kind, files) in [
            ("verification-result", results), ("capture-submitted", captures), ("dead-letter-record", deadLetters),
        ] {
            let paths = try ContractFiles.temporaryFiles(files)
            let run = try await ContractFiles.validate(["--kind", kind] + paths)
            #expect(run.status == 0, "\(kind): \(run.output)")
        }
    }
}
