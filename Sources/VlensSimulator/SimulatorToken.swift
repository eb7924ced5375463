/// A bearer token the simulator accepts: a user token, or an admin token with the `Requests` permission.
public struct SimulatorToken: Sendable, Hashable, Codable {
    public var token: String
    /// The user the token belongs to (`emailOrPhoneNumber` in the admin image listing).
    public var emailOrPhoneNumber: String
    /// Admin tokens may call the image retrieval endpoints.
    public var isAdmin: Bool

    public init(token: String, emailOrPhoneNumber: String, isAdmin: Bool = false) {
        self.token = token
        self.emailOrPhoneNumber = emailOrPhoneNumber
        self.isAdmin = isAdmin
    }

    enum CodingKeys: String, CodingKey {
        case token, emailOrPhoneNumber, isAdmin = "admin"
    }
}
