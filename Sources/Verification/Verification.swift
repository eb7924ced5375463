/// The pure verification domain: capture and result events, and the per-transaction
/// state machine. It performs no I/O.
public enum VerificationDomain {}
