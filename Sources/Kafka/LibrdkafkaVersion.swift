import CRdKafka

/// The version of the librdkafka library this process is linked against.
public enum LibrdkafkaVersion {
    /// The oldest librdkafka the wrapper supports: 2.2.0 fixed the ApiVersions v3
    /// tagged-field parsing that newer brokers rely on.
    public static let minimum: Int = 0x0202_0000

    /// `rd_kafka_version()` as a `MAJOR.MINOR.PATCH` string.
    public static var string: String { String(cString: rd_kafka_version_str()) }

    /// `rd_kafka_version()` as librdkafka's hex-encoded integer (`0xMMmmrrxx`).
    public static var number: Int { Int(rd_kafka_version()) }

    /// Whether the linked library is new enough.
    public static var isSupported: Bool { number >= minimum }
}

extension LibrdkafkaVersion {
    /// Throws a ``KafkaError`` with code ``KafkaError/Code/unsupportedLibrdkafka`` when the linked
    /// librdkafka is older than ``minimum``. Every client checks this before it starts.
    public static func requireSupported() throws(KafkaError) {
        guard isSupported else {
            throw KafkaError(
                code: .unsupportedLibrdkafka,
                message: "the linked librdkafka is \(string), but 2.2.0 or newer is required "
                    + "(older versions fail to parse ApiVersions v3 responses); run scripts/setup to install 2.8.0"
            )
        }
    }
}
