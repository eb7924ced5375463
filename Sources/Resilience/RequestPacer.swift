import VlensAPI

/// Spaces one tenant's Vlens calls so that no 1-second or 60-second window holds more than
/// this instance's share of the tenant's limits.
///
/// A pure state machine. Calls are paced evenly (no bursts), so a server that counts in fixed
/// windows, sliding windows or token buckets all see the limit respected. Each instance of a
/// consumer group paces at `share` of the limit (its lease of the tenant's limit, or its partitions
/// over all partitions), so the group as a whole stays under the tenant's limit. A share of 0 sends
/// nothing. A 429 halves the pace and blocks until
/// `Retry-After`; each later success wins back a little (additive increase, multiplicative decrease).
///
/// The pacer counts a call when it lets it go; Vlens counts it when it arrives. Two calls' trips
/// differ (scheduling, the network), so every window is stretched by ``transitAllowance``: a call
/// may arrive that much later than the one a window before it and still not share a window with it.
public struct RequestPacer: Sendable {
    /// How much later than its predecessors one call may reach Vlens before it could land in a window
    /// that already counted a full share (`VLENS_RATE_LIMIT_TRANSIT_MS`). It costs its share of each
    /// window: 3 % of a per-second limit's pace at the default 30 ms, 0.05 % of a per-minute one's.
    public let transitAllowance: Duration
    /// The default ``transitAllowance``: 30 ms.
    public static let defaultTransitAllowance: Duration = .milliseconds(30)
    package static let minimumFactor = 0.05
    package static let recoveryStep = 0.05

    public private(set) var limit: RateLimit
    /// This instance's fraction of the tenant's limit, in [0, 1]; 0 sends nothing.
    public private(set) var share: Double = 1
    /// The adaptive factor, lowered by 429s, in [0.05, 1].
    public private(set) var adaptiveFactor: Double = 1
    private var blockedUntil: ContinuousClock.Instant?
    /// When calls were actually sent, oldest first, for the last minute.
    private var sent: [ContinuousClock.Instant] = []

    public init(limit: RateLimit, transitAllowance: Duration = Self.defaultTransitAllowance) {
        self.limit = limit
        self.transitAllowance = transitAllowance
    }

    /// Per limit: at most `count` calls in any `span` (the limit's window, or the longer one a
    /// share under one call per window needs, plus ``transitAllowance``).
    private var windows: [(count: Int, span: Duration)] {
        var result: [(count: Int, span: Duration)] = []
        for (count, window) in [(limit.perSecond, 1.0), (limit.perMinute, 60.0)] {
            guard let count, count > 0 else { continue }
            let quota = Self.quota(count, share * adaptiveFactor)
            let (calls, seconds) = quota >= 1 ? (Int(quota.rounded(.down)), window) : (1, window / quota)
            result.append((calls, .seconds(seconds) + transitAllowance))
        }
        return result
    }

    /// Admits a call about to be sent now, judged by when earlier calls were actually sent: at
    /// most the windows' counts, never closer than ``interval`` to the previous call, and never
    /// before a 429's `Retry-After`. Returns `nil` and records the send when the call may go, else
    /// the instant to ask again.
    public mutating func admit(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let horizon = now - .seconds(61)
        if let stale = sent.firstIndex(where: { $0 > horizon }) { sent.removeFirst(stale) } else { sent.removeAll() }
        // Never two calls closer than the pace, even when slots were used late (a parked capture
        // resumed after its slot): late calls must not go out in a burst.
        if share == 0, limit.sustainedRate != nil { return now + Self.blockedRetry }
        if let blockedUntil, now < blockedUntil { return blockedUntil }
        if let interval, let last = sent.last, now - last < interval { return last + interval }
        for (count, span) in windows {
            let recent = sent.reversed().prefix { $0 > now - span }
            if recent.count >= count {
                // The oldest of the last `count` sends must leave the span first.
                let oldest = Array(recent)[count - 1]
                return oldest + span + .milliseconds(5)
            }
        }
        sent.append(now)
        return nil
    }

    /// Whether a call asked for now could be made to wait: the tenant has a limit, or a 429's pause
    /// is in force. An unlimited tenant's calls never wait, so there is no line to bound.
    public func paces(now: ContinuousClock.Instant) -> Bool {
        limit.sustainedRate != nil || blockedUntil.map { now < $0 } == true
    }

    /// The time between two calls at the current share and factor; `nil` when unlimited.
    ///
    /// For each limit of N calls per window W, this instance may make q = N × share × factor
    /// calls per window. Spacing calls (W + A) / ⌊q⌋ apart (W / q + A when q < 1), A being
    /// ``transitAllowance``, puts at most ⌊q⌋ in any window even when a call arrives up to A late,
    /// so the shares of all instances add up to no more than N.
    public var interval: Duration? {
        if share == 0, limit.sustainedRate != nil { return Self.blockedRetry }
        return windows.map { $0.span / $0.count }.max()
    }

    /// Sets this instance's share of the tenant's limit (on every rebalance, or lease exchange).
    public mutating func setShare(_ share: Double) {
        self.share = min(max(share, 0), 1)
    }

    /// How often a pacer with no share looks again.
    package static let blockedRetry: Duration = .milliseconds(100)

    /// Calls per window for `count` at `fraction`; a hair over the product, so that a whole number
    /// of units (3 of 10 is 10 × 0.3 = 2.9999…) is not rounded down to one call less.
    private static func quota(_ count: Double, _ fraction: Double) -> Double {
        count * fraction + 1e-9
    }

    /// Vlens said 429: slow down, and call nothing before `retryAfter` (or one interval).
    public mutating func recordRateLimited(now: ContinuousClock.Instant, retryAfter: Duration?) {
        adaptiveFactor = max(Self.minimumFactor, adaptiveFactor / 2)
        let pause = retryAfter ?? interval ?? .seconds(1)
        blockedUntil = max(blockedUntil ?? now, now + pause)
    }

    /// A call went through: win back some of the rate a 429 took.
    public mutating func recordAccepted() {
        adaptiveFactor = min(1, adaptiveFactor + Self.recoveryStep)
    }
}
