/// Stored identity images of a user (`GetUserDigitalIdentityImages`).
public struct VlensImageList: Sendable, Hashable, Decodable {
    public var images: [Image]

    /// A file that `GetStepImage` can download.
    public struct Image: Sendable, Hashable, Decodable {
        public var transactionId: String?
        public var fileName: String?

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            transactionId = c.string("transactionId") ?? c.string("transaction_id")
            fileName = c.string("fileName") ?? c.string("file_name")
        }
    }

    /// Accepts `data: {images: [...]}` or `data: [...]`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        images = c.object("data")?.array(of: Image.self, "images") ?? c.array(of: Image.self, "data")
    }
}
