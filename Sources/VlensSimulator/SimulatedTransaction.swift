/// A Vlens transaction held by the simulator.
struct SimulatedTransaction: Sendable {
    struct Side: Sendable {
        var person: SimulatedPerson
        /// The seed the person came from; an unmarked other side inherits it.
        var seed: String
    }

    let id: String
    let apiKey: String
    /// The user (`emailOrPhoneNumber`) the transaction belongs to; `nil` for API-key-only captures not yet linked.
    var owner: String?
    var front: Side?
    var back: Side?
    var completed = false
    var verified = false
    var amlMatched = false
    var srcInvalid = false
    /// Stored images, in the order they arrived: (file name, base64).
    var images: [(name: String, base64: String)] = []

    var person: SimulatedPerson? { front?.person ?? back?.person }

    var imageBytes: Int { images.reduce(0) { $0 + $1.base64.utf8.count } }

    mutating func store(_ name: String, _ base64: String) {
        images.removeAll { $0.name == name }
        images.append((name, base64))
    }
}
