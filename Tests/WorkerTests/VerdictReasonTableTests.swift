import Foundation
import Testing
import TestSupport
import Verification
@testable import VlensAPI
@testable import Worker
import Workflow

/// The verdict reasons are one table: ``VerdictReason`` (`effect`, `isRetryable`), the "Verdict
/// reasons" table of `schemas/README.md`, and the literal below. And every Vlens answer of the Vlens
/// notes (error codes, HTTP statuses, `services` flags) maps to one reason, through the real
/// classification (`VlensError.classify`), the runner's refusal and the state machine.
@Suite("Verdict reasons: one table, and every Vlens code and flag maps to a reason")
struct VerdictReasonTableTests {
    /// One row: the reason, the `verdict.status` it gives the transaction, `verdict.retryable`, and
    /// whether it makes the transaction final.
    struct Row: Sendable, Equatable, CustomTestStringConvertible {
        var reason: String
        var status: String
        var retryable: Bool
        var final: Bool

        init(_ reason: String, _ status: String, retryable: Bool, final: Bool) {
            self.reason = reason
            self.status = status
            self.retryable = retryable
            self.final = final
        }

        var testDescription: String { "\(reason): \(status), retryable \(retryable), final \(final)" }
    }

    /// The table (design 17; `schemas/README.md` "Verdict reasons"), in the code's order.
    static let table: [Row] = [
        Row("spoof_detected", "not_verified", retryable: false, final: true),
        Row("liveness_failed", "pending", retryable: true, final: false),
        Row("faces_identical", "pending", retryable: true, final: false),
        Row("faces_too_far_apart", "pending", retryable: true, final: false),
        Row("id_expired", "not_verified", retryable: false, final: true),
        Row("card_not_detected", "pending", retryable: true, final: false),
        Row("image_quality", "pending", retryable: true, final: false),
        Row("document_invalid", "pending", retryable: true, final: false),
        Row("id_number_mismatch", "pending", retryable: true, final: false),
        Row("name_mismatch", "not_verified", retryable: false, final: true),
        Row("authority_check_failed", "not_verified", retryable: false, final: true),
        Row("aml_match", "not_verified", retryable: false, final: true),
        Row("sides_missing", "pending", retryable: true, final: false),
        Row("transaction_incomplete", "pending", retryable: true, final: false),
        Row("user_not_linked", "pending", retryable: true, final: false),
        Row("user_token_rejected", "pending", retryable: true, final: false),
        Row("credentials_rejected", "failed", retryable: false, final: false),
        Row("vlens_unavailable", "failed", retryable: true, final: false),
        Row("vlens_error", "failed", retryable: false, final: false),
        Row("image_host_unavailable", "failed", retryable: true, final: false),
        Row("invalid_capture", "pending", retryable: true, final: false),
    ]

    static func row(_ reason: VerdictReason) throws -> Row {
        try #require(table.first { $0.reason == reason.rawValue }, "no table row for \(reason)")
    }

    static func status(of effect: VerdictReason.Effect) -> String {
        switch effect {
        case .keepsOpen: "pending"
        case .settlesNotVerified: "not_verified"
        case .fails: "failed"
        }
    }

    // MARK: - One table

    @Test("VerdictReason.allCases are exactly the table's reasons, in order")
    func codeHasTheTablesReasons() {
        #expect(VerdictReason.allCases.map(\.rawValue) == Self.table.map(\.reason))
        #expect(Set(Self.table.map(\.reason)).count == Self.table.count)
    }

    @Test("each reason's effect and isRetryable are the table's", arguments: table)
    func codeMatchesRow(_ row: Row) throws {
        let reason = try #require(VerdictReason(rawValue: row.reason))
        #expect(Self.status(of: reason.effect) == row.status)
        #expect(reason.isRetryable == row.retryable)
        let status = try #require(VerdictStatus(rawValue: row.status))
        #expect(status.isFinal == row.final)
        #expect(Verdict(status: status, reason: reason).retryable == row.retryable)
    }

    @Test("the state machine gives each reason its table status, retryable and final", arguments: table)
    func stateMachineAppliesRow(_ row: Row) throws {
        let reason = try #require(VerdictReason(rawValue: row.reason))
        var machine = try Self.machine(pendingAt: .idFront)
        let error = ResultError(code: .vlensRejected, message: "test", retryable: reason.isRetryable)
        let outcome: StepOutcome = reason.effect == .fails ? .failed(error, reason: reason) : .rejected(error, reason: reason)
        let resolution = machine.onStepOutcome(outcome)
        #expect(resolution.verdict.reason == reason)
        #expect(resolution.verdict.status.rawValue == row.status)
        #expect(resolution.verdict.retryable == row.retryable)
        #expect(resolution.isFinal == row.final)
        #expect(machine.isFinal == row.final)
    }

    @Test(
        "the Verdict reasons tables of schemas/README.md and README.md have the same reasons, status, retryable and final",
        arguments: [("schemas/README.md", "## Verdict reasons"), ("README.md", "### Verdict reasons")])
    func readmeMatchesTable(file: String, heading: String) throws {
        let readme = try Self.readmeTable(file: file, heading: heading)
        #expect(readme.map(\.reason) == Self.table.map(\.reason), "reasons (in order) of \(file)")
        for row in Self.table {
            guard let documented = readme.first(where: { $0.reason == row.reason }) else { continue }
            #expect(documented == row, "\(file) row \(row.reason)")
        }
    }

    /// The rows of the "Verdict reasons" table under `heading` in `file`.
    static func readmeTable(file: String, heading: String) throws -> [Row] {
        let url = ContractFiles.root.appendingPathComponent(file)
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == heading })
        var rows: [Row] = []
        var inTable = false
        for line in lines[(start + 1)...] {
            if line.hasPrefix("#") { break }
            guard line.hasPrefix("|") else {
                if inTable { break }
                continue
            }
            inTable = true
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cells.count >= 7, "a row of 5 cells: \(line)")
            let reason = cells[1].replacingOccurrences(of: "`", with: "")
            if reason == "reason" || reason.hasPrefix("---") { continue }
            let n = cells.count
            // The status cell may carry a note after the code span: `pending` (transaction unchanged).
            let status = cells[n - 4].split(separator: "`", omittingEmptySubsequences: true).first.map(String.init) ?? cells[n - 4]
            func bool(_ text: String) throws -> Bool {
                switch text {
                case "true": return true
                case "false": return false
                default:
                    Issue.record("not a boolean in \(file)'s row \(reason): \(text)")
                    throw CancellationError()
                }
            }
            rows.append(Row(reason, status, retryable: try bool(cells[n - 3]), final: try bool(cells[n - 2])))
        }
        try #require(!rows.isEmpty, "no Verdict reasons table in \(file)")
        return rows
    }

    // MARK: - Every Vlens code and flag maps to a reason

    /// A Vlens answer that refuses a step, and what must come of it.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var step: CaptureStep
        var status: Int
        /// The response body (JSON), or `nil` for none.
        var body: String?
        var userTokenSent = false
        var reason: VerdictReason
        /// The result's outcome: `rejected` or `failed`.
        var outcome: ResultOutcome

        var testDescription: String { name }
    }

    static let refusals: [Refusal] = {
        func code(_ code: Int, _ reason: VerdictReason, step: CaptureStep = .idFront, status: Int = 200, outcome: ResultOutcome = .rejected) -> Refusal {
            Refusal(
                name: "error_code \(code) on HTTP \(status) (\(step))", step: step, status: status,
                body: #"{"data":null,"error_code":\#(code),"error_message":"m"}"#, reason: reason, outcome: outcome)
        }
        func http(_ status: Int, _ reason: VerdictReason, token: Bool = false, outcome: ResultOutcome = .failed) -> Refusal {
            Refusal(
                name: "HTTP \(status)\(token ? " with a user token" : " without a user token")", step: .idFront, status: status,
                body: nil, userTokenSent: token, reason: reason, outcome: outcome)
        }
        var cases = [
            code(1050, .imageQuality),
            code(1001, .imageQuality, step: .idBack),
            code(1999, .imageQuality),
            code(1050, .imageQuality, status: 400),  // the envelope decides first
        ]
        cases += (3001...3006).map { code($0, .documentInvalid, step: .idBack) }
        cases += (3007...3009).map { code($0, .documentInvalid, step: .idBack) }
        cases += [
            code(3010, .idExpired, step: .idBack),
            code(3011, .cardNotDetected),
            code(3013, .documentInvalid, step: .idBack),
            code(3101, .idNumberMismatch, step: .idBack),
            code(3102, .nameMismatch, step: .liveness),
            code(3013, .documentInvalid, status: 422),
            // An error_code Vlens's docs do not list: Vlens answered, but nobody can tell what it means.
            code(4242, .vlensError, outcome: .failed),
            http(401, .userTokenRejected, token: true, outcome: .rejected),
            http(401, .credentialsRejected),
            http(403, .credentialsRejected),
            http(403, .credentialsRejected, token: true),
            http(400, .vlensError),
            http(404, .vlensError),
            http(415, .vlensError),
            http(418, .vlensError),
            http(409, .vlensError),
            http(422, .documentInvalid, outcome: .rejected),
            Refusal(
                name: "HTTP 422 with an envelope without a code", step: .idBack, status: 422,
                body: #"{"data":null,"error_code":null,"error_message":"invalid"}"#, reason: .documentInvalid, outcome: .rejected),
            Refusal(
                name: "services.spoofing.fake true on id_front", step: .idFront, status: 200,
                body: #"{"data":{"idFrontData":{"transaction_id":"vt-1"}},"services":{"spoofing":{"fake":true}},"error_code":null}"#,
                reason: .spoofDetected, outcome: .rejected),
            Refusal(
                name: "services.spoofing.fake true on id_back", step: .idBack, status: 200,
                body: #"{"data":{"idBackData":{"transaction_id":"vt-1"}},"services":{"spoofing":{"fake":true}},"error_code":null}"#,
                reason: .spoofDetected, outcome: .rejected),
            Refusal(
                name: "services.liveness false on the liveness step", step: .liveness, status: 200,
                body: #"{"data":{"isVerificationProcessCompleted":false},"services":{"liveness":false},"error_code":null}"#,
                reason: .livenessFailed, outcome: .rejected),
        ]
        return cases
    }()

    @Test("a refusal classifies, maps to its reason and outcome, and gives the table's verdict", arguments: refusals)
    func refusalMapsToReason(_ input: Refusal) throws {
        let response = try input.body.map { try JSONDecoder().decode(VlensStepResponse.self, from: Data($0.utf8)) }
        let error = try #require(
            VlensError.classify(step: Self.vlensStep(input.step), status: input.status, retryAfterHeader: nil, response: response),
            "\(input.name) classified as a success")
        // Not retried in place: the runner hands it to `refusal` at once.
        #expect(error.category != .retryable && error.category != .invalidResponse, "category \(error.category)")
        #expect(!error.isRetryable)

        let reason = VerdictReason(refusal: error, userTokenSent: input.userTokenSent)
        #expect(reason == input.reason)

        let outcome = VlensStepRunner.refusal(error, userTokenSent: input.userTokenSent)
        var machine = try Self.machine(pendingAt: input.step)
        let resolution = machine.onStepOutcome(outcome)
        let row = try Self.row(input.reason)
        #expect(resolution.outcome == input.outcome)
        #expect(resolution.verdict.reason == input.reason)
        #expect(resolution.error?.retryable == input.reason.isRetryable, "the result error's retryable is the reason's")
        #expect(resolution.verdict.retryable == row.retryable)
        #expect(resolution.verdict.status.rawValue == row.status)
        #expect(resolution.isFinal == row.final)
        #expect(resolution.verdict.vlensErrorCode == error.vlensErrorCode.map(String.init))
        #expect(resolution.error?.vlensErrorCode == error.vlensErrorCode.map(String.init))
        #expect(resolution.error?.httpStatus == input.status)
    }

    @Test("429 and 5xx are retried in place; past the budget they are vlens_unavailable (failed, retryable, not final)",
          arguments: [429, 500, 502, 503, 504, 599])
    func retryableStatuses(_ status: Int) throws {
        let error = try #require(VlensError.classify(step: .idFront, status: status, retryAfterHeader: "1", response: nil))
        #expect(error.category == .retryable)
        #expect(error.isRetryable)
        #expect(VerdictReason(refusal: error, userTokenSent: false) == .vlensUnavailable)
        #expect(VerdictReason(refusal: error, userTokenSent: true) == .vlensUnavailable)

        // The runner's outcome when the attempts are used up.
        let exhausted = ResultError(
            code: .retriesExhausted, message: "exhausted", retryable: VerdictReason.vlensUnavailable.isRetryable, httpStatus: status)
        var machine = try Self.machine(pendingAt: .idFront)
        let resolution = machine.onStepOutcome(.failed(exhausted, reason: .vlensUnavailable))
        #expect(resolution.outcome == .failed)
        #expect(resolution.verdict.status == .failed && resolution.verdict.reason == .vlensUnavailable)
        #expect(resolution.verdict.retryable && resolution.error?.retryable == true)
        #expect(!resolution.isFinal)
    }

    @Test("an error_code on a 5xx is still retried: the status decides when the code is unknown")
    func unknownCodeOn5xx() throws {
        let response = try JSONDecoder().decode(VlensStepResponse.self, from: Data(#"{"error_code":4242}"#.utf8))
        let error = try #require(VlensError.classify(step: .idFront, status: 503, retryAfterHeader: nil, response: response))
        #expect(error.category == .retryable)
        #expect(VerdictReason(refusal: error, userTokenSent: false) == .vlensUnavailable)
    }

    @Test("an unreadable response is retried like an outage, so its reason is vlens_unavailable")
    func unreadableResponse() throws {
        let error = try #require(VlensError.classify(step: .idFront, status: 200, retryAfterHeader: nil, response: nil))
        #expect(error.category == .invalidResponse)
        #expect(VerdictReason(refusal: error, userTokenSent: false) == .vlensUnavailable)
        var machine = try Self.machine(pendingAt: .idFront)
        let resolution = machine.onStepOutcome(VlensStepRunner.refusal(error, userTokenSent: false))
        #expect(resolution.outcome == .failed && resolution.verdict.status == .failed && !resolution.isFinal)
        #expect(resolution.error?.retryable == true)
    }

    @Test("services.liveness false is no refusal on the ID sides; fake false is none either")
    func flagsThatAreNoRefusal() throws {
        let body = #"{"data":{"idFrontData":{"transaction_id":"vt-1"}},"services":{"liveness":false,"spoofing":{"fake":false}},"error_code":null}"#
        let response = try JSONDecoder().decode(VlensStepResponse.self, from: Data(body.utf8))
        #expect(VlensError.classify(step: .idFront, status: 200, retryAfterHeader: nil, response: response) == nil)
        #expect(VlensError.classify(step: .idBack, status: 200, retryAfterHeader: nil, response: response) == nil)
    }

    // MARK: - services flags on success

    struct Success: Sendable, CustomTestStringConvertible {
        var name: String
        var userLinked: Bool
        var body: String
        var status: VerdictStatus
        var reason: VerdictReason?

        var testDescription: String { name }
    }

    static let successes: [Success] = [
        Success(
            name: "SRC.isValid false", userLinked: true,
            body: #"{"data":{"isVerificationProcessCompleted":true,"isDigitalIdentityVerified":true},"services":{"liveness":true,"SRC":{"isValid":false,"errorCode":"12"}}}"#,
            status: .notVerified, reason: .authorityCheckFailed),
        Success(
            name: "AML matched", userLinked: true,
            body: #"{"data":{"isVerificationProcessCompleted":true,"isDigitalIdentityVerified":true},"services":{"liveness":true,"AML":{"AML_matched":true,"data":[{}]}}}"#,
            status: .notVerified, reason: .amlMatch),
        Success(
            name: "process completed without identity verified", userLinked: true,
            body: #"{"data":{"isVerificationProcessCompleted":true,"isDigitalIdentityVerified":false},"services":{"liveness":true}}"#,
            status: .notVerified, reason: .authorityCheckFailed),
        Success(
            name: "identity verified without a user link", userLinked: false,
            body: #"{"data":{"isVerificationProcessCompleted":true,"isDigitalIdentityVerified":true},"services":{"liveness":true}}"#,
            status: .pending, reason: .userNotLinked),
        Success(
            name: "identity verified with a user link", userLinked: true,
            body: #"{"data":{"isVerificationProcessCompleted":true,"isDigitalIdentityVerified":true},"services":{"liveness":true,"SRC":{"isValid":true},"AML":{"AML_matched":false}}}"#,
            status: .verified, reason: nil),
        Success(
            name: "process not completed", userLinked: true,
            body: #"{"data":{"isVerificationProcessCompleted":false,"isDigitalIdentityVerified":false},"services":{"liveness":true,"spoofing":{"fake":false}}}"#,
            status: .pending, reason: .transactionIncomplete),
        Success(
            name: "no verification flags", userLinked: true,
            body: #"{"data":{},"services":{"liveness":true}}"#,
            status: .pending, reason: .transactionIncomplete),
    ]

    @Test("services flags on a successful liveness give the table's reason", arguments: successes)
    func successFlags(_ input: Success) throws {
        let response = try JSONDecoder().decode(VlensStepResponse.self, from: Data(input.body.utf8))
        #expect(VlensError.classify(step: .liveness, status: 200, retryAfterHeader: nil, response: response) == nil)
        var machine = try Self.machine(pendingAt: .liveness, userLinked: input.userLinked)
        let resolution = machine.onStepOutcome(Self.success(response, userLinked: input.userLinked))
        #expect(resolution.outcome == .succeeded)
        #expect(resolution.error == nil)
        #expect(resolution.verdict.status == input.status)
        #expect(resolution.verdict.reason == input.reason)
        if let reason = input.reason {
            let row = try Self.row(reason)
            #expect(resolution.verdict.status.rawValue == row.status)
            #expect(resolution.verdict.retryable == row.retryable)
            #expect(resolution.isFinal == row.final)
        } else {
            #expect(resolution.isFinal && !resolution.verdict.retryable)
        }
        #expect(resolution.userLinked == input.userLinked)
    }

    // MARK: - Helpers

    /// The runner's success mapping (`VlensStepRunner.success` is private): flags, AML, SRC, user link.
    static func success(_ response: VlensStepResponse, userLinked: Bool) -> StepOutcome {
        let data = response.data
        var flags: VerificationFlags?
        if data.isVerificationProcessCompleted != nil || data.isDigitalIdentityVerified != nil {
            flags = VerificationFlags(
                processCompleted: data.isVerificationProcessCompleted ?? false, identityVerified: data.isDigitalIdentityVerified ?? false)
        }
        return .succeeded(
            vlensTransactionId: response.transactionId, verification: flags, amlMatched: response.services.amlMatched == true,
            registryInvalid: response.services.srcIsValid == false, userLinked: userLinked)
    }

    static func vlensStep(_ step: CaptureStep) -> VlensStep {
        switch step {
        case .idFront: .idFront
        case .idBack: .idBack
        case .liveness: .liveness
        default: .link
        }
    }

    /// A state machine with a Vlens call of `step` pending; for liveness, both sides succeeded first
    /// (sent with a user token when `userLinked`).
    static func machine(pendingAt step: CaptureStep, userLinked: Bool = true) throws -> TransactionStateMachine {
        var machine = TransactionStateMachine()
        if step == .liveness {
            for side in [CaptureStep.idFront, .idBack] {
                guard case .callVlens = machine.onCapture(step: side, vlensTransactionId: nil) else {
                    Issue.record("\(side) did not call Vlens")
                    throw CancellationError()
                }
                _ = machine.onStepOutcome(.succeeded(vlensTransactionId: "vt-1", userLinked: userLinked))
            }
        }
        guard case .callVlens = machine.onCapture(step: step, vlensTransactionId: nil) else {
            Issue.record("\(step) did not call Vlens")
            throw CancellationError()
        }
        #expect(machine.pendingCall?.step == step)
        return machine
    }
}
