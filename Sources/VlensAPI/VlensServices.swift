/// The `services` block: results of Vlens's backend checks. Absent checks are `nil`.
public struct VlensServices: Sendable, Hashable, Decodable {
    /// `spoofing.fake`: the document is a photocopy or a digital reproduction.
    public var isFake: Bool?
    /// `classification.doc_type`.
    public var documentType: String?
    /// `liveness`: the face images passed liveness detection.
    public var liveness: Bool?
    /// `AML.AML_matched`: the user is on an AML watchlist; `amlMatchCount` counts `AML.data` entries.
    public var amlMatched: Bool?
    public var amlMatchCount: Int
    /// `SRC.isValid`: the ID validates against the national registry, with the error fields when it does not.
    public var srcIsValid: Bool?
    public var srcErrorCode: String?
    public var srcErrorKey: String?
    public var srcErrorMessage: String?
    /// `Validations.validation_errors`.
    public var validationErrors: [ValidationError]

    /// One entry of `Validations.validation_errors`.
    public struct ValidationError: Sendable, Hashable, Decodable {
        public var field: String?
        public var value: String?
        public var errors: [Issue]

        public struct Issue: Sendable, Hashable, Decodable {
            public var code: Int?
            public var message: String?

            public init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: AnyKey.self)
                code = c.int("code")
                message = c.string("message")
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            field = c.string("field")
            value = c.string("value")
            errors = c.array(of: Issue.self, "errors")
        }
    }

    public init() {
        amlMatchCount = 0
        validationErrors = []
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        isFake = c.object("spoofing")?.bool("fake")
        documentType = c.object("classification")?.string("doc_type")
        liveness = c.bool("liveness")
        let aml = c.object("AML")
        amlMatched = aml?.bool("AML_matched")
        amlMatchCount = aml?.decoded([Lenient<Ignored>].self, "data")?.count ?? 0
        let src = c.object("SRC")
        srcIsValid = src?.bool("isValid")
        srcErrorCode = src?.string("errorCode")
        srcErrorKey = src?.string("errorKey")
        srcErrorMessage = src?.string("errorMessage")
        validationErrors = (c.object("Validations") ?? c.object("validations"))?.array(of: ValidationError.self, "validation_errors") ?? []
    }

    /// Decodes anything and keeps nothing (to count array entries without reading them).
    struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
