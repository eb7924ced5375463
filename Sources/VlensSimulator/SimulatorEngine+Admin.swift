import Verification

extension SimulatorEngine {
    /// `GetUserDigitalIdentityImages`: the stored file names of every transaction of a user.
    func userImages(_ call: SimulatorCall) -> SimulatorReply {
        guard let user = call.query["emailOrPhoneNumber"], !user.isEmpty else {
            return .rejected(400, "emailOrPhoneNumber is required")
        }
        let owned = recency.ordered.compactMap { transactions[$0] }.filter { $0.owner == user }
        var seen = Set<String>()
        let images: [JSONValue] = owned.filter { seen.insert($0.id).inserted }.flatMap { transaction in
            transaction.images.map { image in
                .object(["transactionId": .string(transaction.id), "fileName": .string(image.name)])
            }
        }
        return .envelope(data: .object(["images": .array(images)]))
    }

    /// `GetStepImage`: one stored image as base64.
    func stepImage(_ call: SimulatorCall) -> SimulatorReply {
        guard let id = call.query["TransactionId"], let name = call.query["FileName"] else {
            return .rejected(400, "TransactionId and FileName are required")
        }
        guard let image = transactions[id]?.images.first(where: { $0.name == name }) else {
            return .rejected(404, "Image not found")
        }
        return .envelope(
            data: .object(["transactionId": .string(id), "fileName": .string(name), "image": .string(image.base64)]))
    }
}
