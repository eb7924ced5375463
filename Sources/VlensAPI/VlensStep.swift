/// A Vlens endpoint, named by a short label fit for logs and metric labels.
public struct VlensStep: Sendable, Hashable, CustomStringConvertible {
    /// `id_front`, `id_back`, `liveness`, `link`, `user_images` or `step_image`.
    public let label: String
    /// The path under the base URL.
    public let path: String

    private init(_ label: String, _ path: String) {
        self.label = label
        self.path = path
    }

    public static let idFront = VlensStep("id_front", "/api/DigitalIdentity/verify/id/front")
    public static let idBack = VlensStep("id_back", "/api/DigitalIdentity/verify/id/back")
    public static let liveness = VlensStep("liveness", "/api/DigitalIdentity/verify/liveness/multi")
    public static let link = VlensStep("link", "/api/DigitalIdentity/LinkUserWithExistingTransaction")
    public static let userImages = VlensStep("user_images", "/api/DigitalIdentity/GetUserDigitalIdentityImages")
    public static let stepImage = VlensStep("step_image", "/api/DigitalIdentity/GetStepImage")

    public var description: String { label }
}
