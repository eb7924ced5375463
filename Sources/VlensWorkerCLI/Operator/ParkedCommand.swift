import ArgumentParser
import Foundation
import Logging
import Store

/// `vlens-worker parked`: what is in the store's parking lot (captures waiting for their tenant's
/// Vlens, rate limit or image host), and `parked release` to make them due now.
///
/// Reads `STORE_URL` only: the summary and the listing carry tenants, reasons, transaction ids
/// and record positions, never values or headers.
struct ParkedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parked",
        abstract: "Show the captures parked in the store (STORE_URL), or make them due now.",
        subcommands: [ParkedListCommand.self, ParkedReleaseCommand.self],
        defaultSubcommand: ParkedListCommand.self
    )

    /// Runs `body` with the store `STORE_URL` names, running and migrated; closes it afterwards.
    static func withStore<T: Sendable>(_ body: @Sendable (any VerificationStore) async throws -> T) async throws -> T {
        guard let url = ProcessInfo.processInfo.environment["STORE_URL"], !url.isEmpty else {
            throw ValidationError("STORE_URL is not set. Fix: set it to the worker's store, e.g. sqlite:./data/vlens-worker.sqlite or postgres://user@host:5432/db")
        }
        return try await OperatorStore.withStore(url: url, body)
    }
}

/// `vlens-worker parked [list]`: the summary by tenant and reason, then the oldest parked captures.
struct ParkedListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Summarise parked captures by tenant and reason and list the oldest."
    )

    @Option(help: "Only this tenant's parked captures.")
    var tenant: String?

    @Option(help: "List at most this many parked captures, oldest first (0: the summary only).")
    var limit: Int = 50

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let (tenant, limit) = (self.tenant, self.limit)
        let (summary, captures) = try await ParkedCommand.withStore { store in
            let summary = try await store.parkedSummary().filter { tenant == nil || $0.tenant == tenant }
            let captures = limit > 0 ? try await store.parkedCaptures(tenant: tenant, limit: limit) : []
            return (summary, captures)
        }
        print(ParkedReport(summary: summary, captures: captures, tenant: tenant, now: Date()).lines.joined(separator: "\n"))
    }
}

/// `vlens-worker parked release`: makes parked captures due now, so the workers try them at once.
struct ParkedReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Make parked captures due now (after their cause is fixed); the running workers resume them."
    )

    @Option(help: "Release this tenant's parked captures.")
    var tenant: String?

    @Flag(help: "Release every tenant's parked captures.")
    var all = false

    func validate() throws {
        if tenant != nil, all { throw ValidationError("--tenant and --all exclude each other") }
        if tenant == nil, !all { throw ValidationError("name the tenant to release (--tenant T), or pass --all to release every tenant's parked captures") }
    }

    func run() async throws {
        let tenant = self.tenant
        let released = try await ParkedCommand.withStore { try await $0.releaseParked(tenant: tenant, at: Date()) }
        let whose = tenant.map { "of tenant \($0) " } ?? ""
        if released == 0 {
            print("no parked capture \(whose)was waiting for a later attempt: nothing released")
        } else {
            print("released \(released) parked capture\(released == 1 ? "" : "s") \(whose)(due now); the running workers resume them within a second")
        }
    }
}

/// The text `parked list` prints.
struct ParkedReport {
    var summary: [ParkedSummary]
    var captures: [ParkedCapture]
    var tenant: String?
    var now: Date

    var lines: [String] {
        guard !summary.isEmpty || !captures.isEmpty else {
            return ["nothing is parked" + (tenant.map { " for tenant \($0)" } ?? "")]
        }
        let total = summary.reduce(0) { $0 + $1.count }
        var lines = ["parked captures by tenant and reason" + (tenant.map { " (tenant \($0))" } ?? "")]
        lines += OperatorFormat.table(
            ["TENANT", "REASON", "CAPTURES", "TRANSACTIONS", "BYTES", "OLDEST"],
            summary.map { [$0.tenant, $0.reason, "\($0.count)", "\($0.lanes)", OperatorFormat.bytes($0.bytes), OperatorFormat.age(now.timeIntervalSince($0.oldestParkedAt))] }
        )
        lines.append("  total \(total) parked, \(OperatorFormat.bytes(summary.reduce(0) { $0 + $1.bytes }))")
        guard !captures.isEmpty else { return lines }
        lines.append("")
        lines.append("parked captures, oldest first" + (captures.count < total ? " (\(captures.count) of \(total); --limit to see more)" : ""))
        lines += OperatorFormat.table(
            ["TENANT", "REASON", "TRANSACTION", "SOURCE", "ATTEMPTS", "PARKED", "NEXT ATTEMPT"],
            captures.map { capture in
                let wait = capture.nextAttemptAt.timeIntervalSince(now)
                return [
                    capture.tenant, capture.reason, Self.printable(capture.lane), "\(capture.topic)/\(capture.partition)@\(capture.offset)",
                    "\(capture.attempts)", OperatorFormat.age(now.timeIntervalSince(capture.parkedAt)),
                    wait > 0 ? "in \(OperatorFormat.age(wait.rounded(.up)))" : wait > -1 ? "due now" : "overdue \(OperatorFormat.age(-wait))",
                ]
            }
        )
        return lines
    }

    /// A transaction id with control characters replaced, so a key cannot break the table.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
