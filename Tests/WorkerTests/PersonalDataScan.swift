import Foundation
import Testing
import Verification

/// Looks for personal data in worker logs: any fragment of an image, tokens and API keys, national ID
/// numbers, and every OCR'd field the simulator returned.
///
/// Images are matched by fragment: every 32-character window of each inline image's base64 that starts
/// at a multiple of 16 is a secret, so any leaked run of 48 or more characters is found wherever it was
/// cut. Log lines are parsed, so JSON escapes (`\/`) cannot hide a fragment.
struct PersonalDataScan {
    private(set) var secrets: Set<String>
    private(set) var imageWindows: Set<Substring>

    static let window = 32
    static let stride = 16

    /// Secrets of `captures` (images, tokens), of `results` (every OCR'd string field) and `tokens`
    /// (user tokens, API keys the run used).
    init(captures: [CaptureSubmitted], results: [VerificationResult], tokens: Set<String> = ["user-token-alice", WorkflowHarness.apiKey]) {
        secrets = tokens
        imageWindows = []
        for capture in captures {
            if let token = capture.userToken { secrets.insert(token) }
            let images = [capture.images.idFront, capture.images.idBack].compactMap { $0?.inlineBase64 }
                + (capture.images.faces ?? []).compactMap(\.image.inlineBase64)
            for image in images {
                let characters = Substring(image)
                var start = characters.startIndex
                while let end = characters.index(start, offsetBy: Self.window, limitedBy: characters.endIndex) {
                    imageWindows.insert(characters[start..<end])
                    guard let next = characters.index(start, offsetBy: Self.stride, limitedBy: characters.endIndex) else { break }
                    start = next
                }
            }
        }
        for result in results {
            if let data = result.extractedData { Self.collectStrings(data, into: &secrets) }
        }
    }

    /// Keys of extracted data that are identifiers of the transaction, not of the person: logs may carry them.
    static let identifierKeys: Set<String> = ["transaction_id", "transactionId"]

    /// Every string leaf of at least 4 characters (shorter ones, like a gender letter, would match by chance).
    private static func collectStrings(_ value: JSONValue, into secrets: inout Set<String>) {
        switch value {
        case .object(let object):
            for (key, child) in object where !identifierKeys.contains(key) { collectStrings(child, into: &secrets) }
        case .array(let array): for child in array { collectStrings(child, into: &secrets) }
        default: if let text = value.stringValue, text.count >= 4 { secrets.insert(text) }
        }
    }

    /// Problems found in `log` (JSON lines): lines that are not JSON, or that carry a secret, a
    /// fragment of an image or a 14-digit national ID number. Findings never quote the secret.
    func findings(in log: String) -> [String] {
        var found: [String] = []
        for line in log.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else {
                found.append("not a JSON log line: \(line.prefix(80))")
                continue
            }
            let text = Self.strings(in: object).joined(separator: "\n")
            for secret in secrets where text.contains(secret) {
                found.append("a log line contains personal data (\(secret.count) characters)")
            }
            if containsImageFragment(text) {
                found.append("a log line contains a fragment of an image")
            }
            if text.range(of: #"\b[23][0-9]{13}\b"#, options: .regularExpression) != nil {
                found.append("a log line contains a 14-digit national ID number")
            }
        }
        return found
    }

    private func containsImageFragment(_ text: String) -> Bool {
        guard !imageWindows.isEmpty, text.utf8.count >= Self.window else { return false }
        let characters = Substring(text)
        var start = characters.startIndex
        while let end = characters.index(start, offsetBy: Self.window, limitedBy: characters.endIndex) {
            if imageWindows.contains(characters[start..<end]) { return true }
            start = characters.index(after: start)
        }
        return false
    }

    /// The keys and string values of a parsed log line, unescaped.
    private static func strings(in object: Any) -> [String] {
        switch object {
        case let dictionary as [String: Any]: return dictionary.flatMap { [$0.key] + strings(in: $0.value) }
        case let array as [Any]: return array.flatMap { strings(in: $0) }
        case let string as String: return [string]
        default: return ["\(object)"]
        }
    }
}
