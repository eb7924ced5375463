// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "vlens-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vlens-worker", targets: ["VlensWorkerCLI"]),
        .executable(name: "vlens-simulator", targets: ["VlensSimulatorCLI"]),
        .executable(name: "vlens-bench", targets: ["VlensBench"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "VlensAPI", targets: ["VlensAPI"]),
        .library(name: "VlensSimulator", targets: ["VlensSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Tracing: OTLP over HTTP only (the gRPC trait would build grpc-swift as well).
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/google/swift-benchmark", exact: "0.1.2"),
    ],
    targets: [
        // MARK: Kafka

        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]
        ),
        // AsyncSerialLock: async work one holder at a time, in arrival order (the engine, the store, the outbox).
        .target(
            name: "SerialAccess",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")]
        ),
        // SplitMix64: random numbers fixed by a seed (the simulator's people and images, the property tests).
        .target(name: "SeededRandom"),
        // Child processes started with posix_spawn (Foundation's Process.run crashes now and then on Linux).
        .target(name: "ProcessSpawning"),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The wrapper's side of scripts/bench-kafka (the raw librdkafka side is bench/kafka/rdkafka_bench.c).
        .executableTarget(
            name: "KafkaBench",
            dependencies: [
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A consumer-group member in its own process, for the Kafka tests' SIGKILL take-over test.
        .executableTarget(
            name: "KafkaTestConsumer",
            dependencies: [
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // librdkafka's mock cluster as a standalone broker on loopback: the suites' second Kafka implementation.
        .executableTarget(
            name: "KafkaMockBroker",
            dependencies: ["CRdKafka"]
        ),

        // MARK: Vlens

        .target(
            name: "VlensAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "VlensSimulator",
            dependencies: [
                "VlensAPI",
                "Base64Syntax", "SeededRandom", "SerialAccess", "Verification",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "VlensSimulatorCLI",
            dependencies: [
                "VlensAPI",
                .product(name: "Logging", package: "swift-log"),
                "VlensSimulator", "MallocTuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Domain, engine, store

        .target(
            name: "Verification",
            dependencies: [
                "Base64Syntax",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "Base64Syntax"),
        // glibc malloc settings the worker and the simulator apply at start-up (megabyte-sized images).
        .target(name: "MallocTuning"),
        // Exponential backoff, with or without jitter: the engine's handler retries, Vlens calls, store migration.
        .target(name: "Backoff"),
        .target(
            name: "Processing",
            dependencies: [
                "Backoff",
                "Kafka", "SerialAccess",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Test doubles of the engine's world: an in-memory log with committed offsets and a source over it
        // (the behaviour tests and the engine's overhead benchmark).
        .target(
            name: "ProcessingTesting",
            dependencies: [
                "Processing", "Kafka",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ProcessingTestWorker",
            dependencies: [
                "Processing", "ProcessingTesting", "Kafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Store",
            dependencies: [
                "SerialAccess",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Worker

        // Metrics, JSON logs, tracing (W3C traceparent, OTLP export) and the health/metrics endpoint.
        .target(
            name: "Observability",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                "Kafka", "Processing", "Verification",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ]
        ),
        // Calling what can fail: the circuit breaker, the pacer and rate limits, retry backoff, claim-check address rules.
        .target(
            name: "Resilience",
            dependencies: [
                "Backoff", "Store", "VlensAPI",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // A capture's way through the worker: intake, the handler, Vlens steps, images, parking, delivery.
        .target(
            name: "Workflow",
            dependencies: [
                "Backoff", "Kafka", "VlensAPI", "Verification", "Processing", "Store", "Observability", "Resilience", "SerialAccess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The worker's typed configuration: every key with its default and meaning, loading and validation.
        .target(
            name: "WorkerSettings",
            dependencies: [
                "Kafka", "Processing", "Store", "Verification", "Resilience", "Workflow", "Observability",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        // The assembly: the builder that wires every part into one service group.
        .target(
            name: "Worker",
            dependencies: [
                "Kafka", "VlensAPI", "Verification", "Processing", "Store", "Observability", "Resilience", "Workflow", "WorkerSettings",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .executableTarget(
            name: "VlensWorkerCLI",
            dependencies: [
                "Kafka", "Observability", "Store", "Verification", "Worker", "WorkerSettings", "MallocTuning",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Benchmarks

        // The load generator and driver of scripts/bench: real worker processes against the simulator.
        .executableTarget(
            name: "VlensBench",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOFoundationCompat", package: "swift-nio"),
                "Kafka", "Verification", "VlensSimulator", "ProcessSpawning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Micro-benchmarks of the hot paths (event decoding, Vlens request body, result encoding).
        .executableTarget(
            name: "VlensMicroBench",
            dependencies: [
                "Verification", "VlensAPI",
                .product(name: "Benchmark", package: "swift-benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // MARK: Tests

        .target(
            name: "TestSupport",
            dependencies: [
                "Kafka", "ProcessSpawning", "SeededRandom",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: ["Kafka", "CRdKafka", "TestSupport", "ProcessSpawning", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "VlensAPITests",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                "VlensAPI", "VlensSimulator", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "VlensSimulatorTests",
            dependencies: [
                "VlensAPI",
                "VlensSimulator", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "VerificationTests", dependencies: ["Verification", "TestSupport"]),
        .testTarget(
            name: "ProcessingTests",
            dependencies: [
                "ProcessingTesting","Processing", "Kafka", "TestSupport", "ProcessSpawning", "SeededRandom", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                "Store", "SerialAccess", "TestSupport",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "ProcessingTesting",
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                "Worker", "WorkerSettings", "Workflow", "Observability", "Resilience", "Kafka", "Processing", "Verification", "Store", "VlensAPI", "VlensSimulator", "TestSupport", "ProcessSpawning",
                "SeededRandom", "MallocTuning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
