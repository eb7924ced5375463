import Backoff

extension ProcessingConfiguration {
    /// Exponential backoff between attempts at a record whose handler threw: 100 ms, doubling, at
    /// most 30 s, without jitter (each record is retried on its own lane).
    public typealias RetryBackoff = ExponentialBackoff
}
