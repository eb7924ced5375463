import Foundation
import Testing
import Verification

/// Looks for personal data in worker logs: image bytes, tokens, national ID numbers and the OCR'd
/// names and addresses the simulator returned.
struct PersonalDataScan {
    private(set) var secrets: Set<String>

    /// Secrets of `captures` (image prefixes, tokens) and of `results` (OCR'd fields).
    init(captures: [CaptureSubmitted], results: [VerificationResult], tokens: Set<String> = ["user-token-alice"]) {
        secrets = tokens
        for capture in captures {
            if let token = capture.userToken { secrets.insert(token) }
            let images = [capture.images.idFront, capture.images.idBack].compactMap { $0?.inlineBase64 }
                + (capture.images.faces ?? []).compactMap(\.image.inlineBase64)
            for image in images { secrets.insert(String(image.prefix(24))) }
        }
        for result in results {
            guard case .object(let data)? = result.extractedData else { continue }
            for case .object(let side) in data.values {
                for key in ["idNumber", "first_name", "last_names", "first_name_english", "last_names_english", "city", "district"] {
                    if let value = side[key]?.stringValue, value.count >= 3 { secrets.insert(value) }
                }
            }
        }
    }

    /// Problems found in `log` (JSON lines): lines that are not JSON, or that carry a secret or a
    /// 14-digit national ID number. Findings never quote the secret.
    func findings(in log: String) -> [String] {
        var found: [String] = []
        for line in log.split(separator: "\n") {
            if (try? JSONSerialization.jsonObject(with: Data(line.utf8))) == nil {
                found.append("not a JSON log line: \(line.prefix(80))")
            }
            for secret in secrets where line.contains(secret) {
                found.append("a log line contains personal data (\(secret.count) characters)")
            }
            if line.range(of: #"\b[23][0-9]{13}\b"#, options: .regularExpression) != nil {
                found.append("a log line contains a 14-digit national ID number")
            }
        }
        return found
    }
}
