extension CaptureSubmitted: Codable {
    private enum CodingKeys: String, CodingKey {
        case eventId, transactionId, step, submittedAt, tenant, userToken, vlensTransactionId
        case getExtractedData, images
    }

    private enum ImageKeys: String, CodingKey {
        case idFront, idBack, faces
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = c.codingPath
        eventId = try c.decode(String.self, forKey: .eventId)
        try FieldRules.identifier(eventId, at: path + [CodingKeys.eventId])
        transactionId = try c.decode(String.self, forKey: .transactionId)
        try FieldRules.identifier(transactionId, at: path + [CodingKeys.transactionId])
        step = try c.decode(CaptureStep.self, forKey: .step)
        submittedAt = try c.decode(Timestamp.self, forKey: .submittedAt)
        tenant = try c.decodeIfPresent(String.self, forKey: .tenant)
        if let tenant { try FieldRules.tenant(tenant, at: path + [CodingKeys.tenant]) }
        userToken = try c.decodeIfPresent(String.self, forKey: .userToken)
        if let userToken { try FieldRules.headerToken(userToken, maxLength: 8192, at: path + [CodingKeys.userToken]) }
        vlensTransactionId = try c.decodeIfPresent(String.self, forKey: .vlensTransactionId)
        if let vlensTransactionId {
            try FieldRules.identifier(vlensTransactionId, at: path + [CodingKeys.vlensTransactionId])
        }
        getExtractedData = try c.decode(Bool.self, forKey: .getExtractedData)
        images = Images()
        if c.contains(.images) {
            let i = try c.nestedContainer(keyedBy: ImageKeys.self, forKey: .images)
            images.idFront = try i.decodeIfPresent(ImageReference.self, forKey: .idFront)
            images.idBack = try i.decodeIfPresent(ImageReference.self, forKey: .idBack)
            images.faces = try i.decodeIfPresent([Face].self, forKey: .faces)
            if let faces = images.faces, faces.count != 3 {
                throw ContractError.invalid(i.codingPath + [ImageKeys.faces], "must hold exactly 3 faces")
            }
        }
        try checkStepNeeds(path: path)
    }

    /// The per-step requirements of the schema's `allOf`.
    private func checkStepNeeds(path: [any CodingKey]) throws {
        let images = path + [CodingKeys.images]
        switch step.backing {
        case .idFront where self.images.idFront == nil:
            throw ContractError.missing(images + [ImageKeys.idFront], "missing (id_front needs it)")
        case .idBack where self.images.idBack == nil:
            throw ContractError.missing(images + [ImageKeys.idBack], "missing (id_back needs it)")
        case .liveness where self.images.idFront == nil:
            throw ContractError.missing(images + [ImageKeys.idFront], "missing (liveness needs the ID front)")
        case .liveness where self.images.faces == nil:
            throw ContractError.missing(images + [ImageKeys.faces], "missing (liveness needs 3 faces)")
        case .link where userToken == nil:
            throw ContractError.missing(path + [CodingKeys.userToken], "missing (link needs the user's token)")
        default:
            break
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(transactionId, forKey: .transactionId)
        try c.encode(step, forKey: .step)
        try c.encode(submittedAt, forKey: .submittedAt)
        try c.encodeIfPresent(tenant, forKey: .tenant)
        try c.encodeIfPresent(userToken, forKey: .userToken)
        try c.encodeIfPresent(vlensTransactionId, forKey: .vlensTransactionId)
        try c.encode(getExtractedData, forKey: .getExtractedData)
        if !images.isEmpty {
            var i = c.nestedContainer(keyedBy: ImageKeys.self, forKey: .images)
            try i.encodeIfPresent(images.idFront, forKey: .idFront)
            try i.encodeIfPresent(images.idBack, forKey: .idBack)
            try i.encodeIfPresent(images.faces, forKey: .faces)
        }
    }
}
