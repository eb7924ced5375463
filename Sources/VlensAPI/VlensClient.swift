import AsyncHTTPClient
import Logging
import NIOCore

/// Client of the Vlens Digital Identity API: one method per endpoint, errors classified as ``VlensError``.
///
/// Images are base64 strings and go into the JSON body as they are, without decoding. The client either owns
/// its `HTTPClient` (built from the configuration's pool and time-outs; call ``shutdown()``) or is given one.
public final class VlensClient: Sendable {
    public let configuration: VlensConfiguration
    let httpClient: HTTPClient
    private let ownsHTTPClient: Bool
    let logger: Logger
    let baseURL: String

    /// A client with its own `HTTPClient`, configured from `configuration`. Call ``shutdown()`` when done.
    public convenience init(configuration: VlensConfiguration, logger: Logger) {
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .init(configuration.connectTimeout), read: nil)
        http.connectionPool = .init(
            idleTimeout: .init(configuration.connectionPool.idleTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.connectionPool.maxConnectionsPerHost)
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http, backgroundActivityLogger: logger)
        self.init(configuration: configuration, httpClient: client, ownsHTTPClient: true, logger: logger)
    }

    /// A client over a shared `HTTPClient`, which the caller keeps and shuts down.
    public convenience init(configuration: VlensConfiguration, httpClient: HTTPClient, logger: Logger) {
        self.init(configuration: configuration, httpClient: httpClient, ownsHTTPClient: false, logger: logger)
    }

    private init(configuration: VlensConfiguration, httpClient: HTTPClient, ownsHTTPClient: Bool, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.ownsHTTPClient = ownsHTTPClient
        self.logger = logger
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
    }

    /// Shuts down the owned `HTTPClient` (does nothing for a given one).
    public func shutdown() async throws {
        if ownsHTTPClient { try await httpClient.shutdown() }
    }

    /// `POST verify/id/front`. Pass `transactionId` when the back came first.
    public func verifyIDFront(image: String, transactionId: String? = nil, context: VlensCallContext) async throws
        -> VlensStepResponse
    {
        try await verifyIDFront(base64: ArraySlice(image.utf8), transactionId: transactionId, context: context)
    }

    /// `POST verify/id/front` with the image's base64 bytes, written into the request as they are.
    public func verifyIDFront(base64 image: ArraySlice<UInt8>, transactionId: String? = nil, context: VlensCallContext) async throws
        -> VlensStepResponse
    {
        try await sendStep(.idFront, context: context) { body in
            body.field("image", base64: image)
            body.field("transaction_id", transactionId)
        }
    }

    /// `POST verify/id/back`. Pass `transactionId` when the front came first.
    public func verifyIDBack(image: String, transactionId: String? = nil, context: VlensCallContext) async throws
        -> VlensStepResponse
    {
        try await verifyIDBack(base64: ArraySlice(image.utf8), transactionId: transactionId, context: context)
    }

    /// `POST verify/id/back` with the image's base64 bytes.
    public func verifyIDBack(base64 image: ArraySlice<UInt8>, transactionId: String? = nil, context: VlensCallContext) async throws
        -> VlensStepResponse
    {
        try await sendStep(.idBack, context: context) { body in
            body.field("image", base64: image)
            body.field("transaction_id", transactionId)
        }
    }

    /// `POST verify/liveness/multi` with the ID front image and three face images captured within 0.5 s.
    public func verifyLiveness(
        idImage: String, face1: String, face2: String, face3: String, transactionId: String,
        context: VlensCallContext
    ) async throws -> VlensStepResponse {
        try await verifyLiveness(
            idBase64: ArraySlice(idImage.utf8), faces: (ArraySlice(face1.utf8), ArraySlice(face2.utf8), ArraySlice(face3.utf8)),
            transactionId: transactionId, context: context)
    }

    /// `POST verify/liveness/multi` with the images' base64 bytes.
    public func verifyLiveness(
        idBase64 idImage: ArraySlice<UInt8>, faces: (ArraySlice<UInt8>, ArraySlice<UInt8>, ArraySlice<UInt8>), transactionId: String,
        context: VlensCallContext
    ) async throws -> VlensStepResponse {
        try await sendStep(.liveness, context: context) { body in
            body.field("image", base64: idImage)
            body.field("face_1", base64: faces.0)
            body.field("face_2", base64: faces.1)
            body.field("face_3", base64: faces.2)
            body.field("transaction_id", transactionId)
        }
    }

    /// `POST LinkUserWithExistingTransaction`: attaches an API-key-only transaction to the user of `context.userToken`.
    public func linkUserWithExistingTransaction(transactionId: String, context: VlensCallContext) async throws
        -> VlensStepResponse
    {
        guard context.userToken != nil else {
            throw VlensError(code: .badRequest, category: .invalidRequest, step: .link)
        }
        return try await sendStep(.link, context: context) { body in
            body.field("transactionId", transactionId)
        }
    }

    /// `GET GetUserDigitalIdentityImages`: stored image files of a user (needs an admin token).
    public func getUserDigitalIdentityImages(emailOrPhoneNumber: String, adminToken: String, traceparent: String? = nil)
        async throws -> VlensImageList
    {
        try await sendAdmin(
            .userImages, query: [("emailOrPhoneNumber", emailOrPhoneNumber)], adminToken: adminToken,
            traceparent: traceparent)
    }

    /// `GET GetStepImage`: one stored image as base64 (needs an admin token).
    public func getStepImage(transactionId: String, fileName: String, adminToken: String, traceparent: String? = nil)
        async throws -> VlensStepImage
    {
        try await sendAdmin(
            .stepImage, query: [("TransactionId", transactionId), ("FileName", fileName)], adminToken: adminToken,
            traceparent: traceparent)
    }
}
