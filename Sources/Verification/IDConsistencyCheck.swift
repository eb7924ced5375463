/// Whether the OCR'd national ID number agrees with the OCR'd date of birth and gender.
/// A mismatch is flagged in the result, never a reason to reject.
public struct IDConsistencyCheck: Hashable, Sendable, Codable {
    /// What disagrees: a name, never a value.
    public struct Mismatch: ClosedStringSet {
        enum Backing: String, CaseIterable, Sendable {
            case dateOfBirth, gender, idNumberFormat
        }

        let backing: Backing

        init(_ backing: Backing) { self.backing = backing }

        /// The birth date encoded in the number differs from the OCR'd date of birth.
        public static let dateOfBirth = Mismatch(.dateOfBirth)
        /// The gender digit differs from the OCR'd gender.
        public static let gender = Mismatch(.gender)
        /// The number is not a well-formed 14-digit Egyptian national ID.
        public static let idNumberFormat = Mismatch(.idNumberFormat)

        public static let allCases = Backing.allCases.map(Mismatch.init)

        public var rawValue: String { backing.rawValue }

        public init?(rawValue: String) {
            guard let backing = Backing(rawValue: rawValue) else { return nil }
            self.backing = backing
        }
    }

    /// True when nothing disagrees.
    public var consistent: Bool
    /// What disagrees, in a stable order.
    public var mismatches: [Mismatch]

    public init(mismatches: [Mismatch]) {
        self.mismatches = mismatches
        self.consistent = mismatches.isEmpty
    }
}
