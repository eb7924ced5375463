import Crypto
import Foundation

/// Encrypts stored results at rest (AES-256-GCM), so OCR'd personal data in them
/// (`INCLUDE_EXTRACTED_DATA=true`) is unreadable in the database and its backups without the key.
///
/// Keys rotate by id: the first key seals new results, every key opens what it sealed. To rotate,
/// put a new key first and keep the old ones until `RETENTION_DAYS` has purged what they sealed.
/// Sealed form: `VWE1`, the key id's length (1 byte), the key id, the 12-byte nonce, the ciphertext,
/// the 16-byte tag. Results stored before encryption was switched on are read as they are.
public struct ResultCipher: Sendable {
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey

        /// `material` must be 32 bytes.
        public init(id: String, material: [UInt8]) throws {
            guard !id.isEmpty, id.utf8.count < 256 else { throw StoreError(code: .encryption, message: "an encryption key id must be 1 to 255 bytes") }
            guard material.count == 32 else { throw StoreError(code: .encryption, message: "encryption key \(id) must be 32 bytes (AES-256), not \(material.count)") }
            self.id = id
            self.key = SymmetricKey(data: material)
        }
    }

    static let magic = Array("VWE1".utf8)
    private let keys: [Key]

    /// `keys` in order of preference: the first seals.
    public init(keys: [Key]) throws {
        guard !keys.isEmpty else { throw StoreError(code: .encryption, message: "the result cipher needs at least one key") }
        self.keys = keys
    }

    /// The id of the key that seals new results.
    public var currentKeyID: String { keys[0].id }

    func seal(_ plaintext: [UInt8]) throws -> [UInt8] {
        let current = keys[0]
        let box = try AES.GCM.seal(plaintext, using: current.key)
        return Self.magic + [UInt8(current.id.utf8.count)] + Array(current.id.utf8) + Array(box.nonce) + Array(box.ciphertext) + Array(box.tag)
    }

    func open(_ stored: [UInt8]) throws -> [UInt8] {
        guard stored.starts(with: Self.magic) else { return stored }  // written before encryption was on
        var rest = stored.dropFirst(Self.magic.count)
        guard let idLength = rest.first.map(Int.init), rest.count > 1 + idLength + 12 + 16 else {
            throw StoreError(code: .encryption, message: "a stored result is sealed but truncated")
        }
        rest = rest.dropFirst()
        let id = String(decoding: rest.prefix(idLength), as: UTF8.self)
        rest = rest.dropFirst(idLength)
        guard let key = keys.first(where: { $0.id == id }) else {
            throw StoreError(code: .encryption, message: "a stored result is sealed with key \(id), which STORE_ENCRYPTION_KEYS no longer lists; add it back (after the current key) until RETENTION_DAYS has passed")
        }
        let nonce = try AES.GCM.Nonce(data: rest.prefix(12))
        let sealed = rest.dropFirst(12)
        let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
        do {
            return Array(try AES.GCM.open(box, using: key.key))
        } catch {
            throw StoreError(code: .encryption, message: "a stored result sealed with key \(id) does not open: wrong key material or a damaged row")
        }
    }
}
