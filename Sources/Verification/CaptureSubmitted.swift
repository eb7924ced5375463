/// `capture-submitted` v1: one capture step of a platform identity verification
/// (`schemas/capture-submitted.v1.schema.json`), keyed by `transactionId`.
///
/// Decoding ignores unknown fields and is strict on required ones: a missing, mistyped or
/// out-of-schema field, or a step without the images it needs, throws a ``ContractError`` that
/// names the field. Use ``decode(_:)`` to get a `ContractError` for any bad input, JSON or not.
public struct CaptureSubmitted: Hashable, Sendable {
    /// The images a step carries.
    public struct Images: Hashable, Sendable {
        /// The ID front: `id_front`, and the reference image of `liveness`.
        public var idFront: ImageReference?
        /// The ID back: `id_back`.
        public var idBack: ImageReference?
        /// The three liveness selfies, in capture order: `liveness`.
        public var faces: [Face]?

        public init(idFront: ImageReference? = nil, idBack: ImageReference? = nil, faces: [Face]? = nil) {
            self.idFront = idFront
            self.idBack = idBack
            self.faces = faces
        }

        var isEmpty: Bool { idFront == nil && idBack == nil && faces == nil }
    }

    /// One liveness selfie.
    public struct Face: Hashable, Sendable, Codable {
        /// The selfie.
        public var image: ImageReference
        /// When the device captured it, if known; the three faces must span at most 0.5 s.
        public var capturedAt: Timestamp?

        public init(image: ImageReference, capturedAt: Timestamp? = nil) {
            self.image = image
            self.capturedAt = capturedAt
        }
    }

    /// Unique id of this event and its idempotency key; equals the `ce_id` header.
    public var eventId: String
    /// The platform's id of the verification; equals the Kafka key and `ce_subject`.
    public var transactionId: String
    /// The capture step.
    public var step: CaptureStep
    /// When the producer submitted it; equals `ce_time`.
    public var submittedAt: Timestamp
    /// Selects the Vlens credentials; `nil` means the default tenant.
    public var tenant: String?
    /// The Vlens user access token; `nil` for an API-key-only capture. A secret: never log it.
    public var userToken: String?
    /// Vlens's transaction id: required for `link`, optional otherwise.
    public var vlensTransactionId: String?
    /// Whether Vlens should return the OCR'd data.
    public var getExtractedData: Bool
    /// The images the step needs.
    public var images: Images

    public init(
        eventId: String,
        transactionId: String,
        step: CaptureStep,
        submittedAt: Timestamp,
        tenant: String? = nil,
        userToken: String? = nil,
        vlensTransactionId: String? = nil,
        getExtractedData: Bool = false,
        images: Images = Images()
    ) {
        self.eventId = eventId
        self.transactionId = transactionId
        self.step = step
        self.submittedAt = submittedAt
        self.tenant = tenant
        self.userToken = userToken
        self.vlensTransactionId = vlensTransactionId
        self.getExtractedData = getExtractedData
        self.images = images
    }
}

extension CaptureSubmitted: CustomStringConvertible {
    /// Identifiers and the step only: never the token or image data.
    public var description: String {
        "CaptureSubmitted(eventId: \(eventId), transactionId: \(transactionId), step: \(step))"
    }
}
