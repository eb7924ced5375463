import Base64Syntax

/// The check every image field of a step passes before any rule runs (`image` on `id/front` and
/// `id/back`; `image`, `face_1`, `face_2`, `face_3` on `liveness/multi`).
///
/// Vlens takes images as base64 but documents no answer for one that is missing, empty or not
/// base64. The simulator answers HTTP 400 with `error_code` **3001**, the first code of the older
/// docs' validation range (3001–3006, none of which is documented individually), and one
/// `services.Validations.validation_errors` entry per bad field. Messages name the field, never
/// its value (`value` is `null`): an image is personal data, and a log of the reply must not hold it.
///
/// Accepted:
/// - standard padded base64 (RFC 4648 section 4: `A-Z a-z 0-9 + /`, length a multiple of 4, at most
///   two trailing `=`, no line breaks or spaces), the same syntax the worker's capture contract
///   checks, so any image the worker forwards passes here;
/// - raw marker text starting with `VLENS-SIM:` (see ``ImageMarker``), the documented convention
///   for hand-written curl bodies.
enum ImageValidation {
    /// The `error_code` of a missing, empty or non-base64 image.
    static let errorCode = 3001
    /// Its HTTP status.
    static let status = 400

    struct Problem: Equatable {
        var field: String
        var message: String
    }

    /// The problems of the named image fields, in the order given; empty when all are acceptable.
    static func problems(_ fields: [(name: String, value: String?)]) -> [Problem] {
        fields.compactMap { field in
            guard let value = field.value, !value.isEmpty else {
                return Problem(field: field.name, message: "\(field.name) is required")
            }
            guard isAcceptable(value) else {
                return Problem(field: field.name, message: "\(field.name) is not valid base64")
            }
            return nil
        }
    }

    /// Raw marker text, or standard padded base64.
    static func isAcceptable(_ image: String) -> Bool {
        image.hasPrefix(ImageMarker.prefix) || isStandardBase64(image)
    }

    /// Standard padded base64 syntax, checked without decoding (the capture contract's rule).
    static func isStandardBase64(_ value: String) -> Bool { Base64Syntax.isStandard(value) }
}

extension SimulatorReply {
    /// HTTP 400, `error_code` 3001, one validation error and one `error_descriptions` entry per bad image field.
    static func invalidImages(_ problems: [ImageValidation.Problem]) -> SimulatorReply {
        let messages = problems.map(\.message)
        return .envelope(
            status: ImageValidation.status,
            services: SimulatorEngine.validations(
                problems.map { (field: $0.field, code: ImageValidation.errorCode, message: $0.message) }),
            errorCode: ImageValidation.errorCode,
            errorMessage: messages.joined(separator: "; "),
            errorDescriptions: messages)
    }
}
