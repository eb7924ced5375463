/// One stored image (`GetStepImage`), base64 as Vlens returns it.
public struct VlensStepImage: Sendable, Hashable, Decodable {
    public var transactionId: String?
    public var fileName: String?
    /// The image, base64-encoded.
    public var base64: String?

    /// Accepts `data: "<base64>"` or `data: {image | base64 | file: "<base64>"}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        if let inner = c.object("data") {
            transactionId = inner.string("transactionId")
            fileName = inner.string("fileName")
            base64 = inner.string("image") ?? inner.string("base64") ?? inner.string("file")
        } else {
            base64 = c.string("data")
        }
    }
}
