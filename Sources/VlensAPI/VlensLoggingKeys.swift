/// Metadata keys the Vlens client uses in its log lines: step names and codes, never request content.
enum VlensLoggingKeys {
    static let step = "vlens.step"
    static let error = "vlens.error"
    static let httpStatus = "http.status"
}
