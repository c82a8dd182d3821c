// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "orderly",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orderly", targets: ["orderly"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(
            name: "OrderlyCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrderlyStore",
            dependencies: [
                "OrderlyCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                // The SQLite driver calls the C library through sqlite-nio's VaporCSQLite module.
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrderlyAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")
            ],
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "OrderlyServer",
            dependencies: [
                "OrderlyCore",
                "OrderlyStore",
                "OrderlyAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [
                .embedInCode("Web/Assets/app.css"),
                .embedInCode("Web/Templates/layout.mustache"),
                .embedInCode("Web/Templates/login.mustache"),
                .embedInCode("Web/Templates/dashboard.mustache"),
                .embedInCode("Web/Templates/orders.mustache"),
                .embedInCode("Web/Templates/order.mustache"),
                .embedInCode("Web/Templates/order-entry.mustache"),
                .embedInCode("Web/Templates/people.mustache"),
                .embedInCode("Web/Templates/account.mustache"),
                .embedInCode("Web/Templates/reset.mustache"),
                .embedInCode("Web/Templates/customer.mustache"),
                .embedInCode("Web/Templates/inventory.mustache"),
                .embedInCode("Web/Templates/store.mustache"),
                .embedInCode("Web/Templates/payments.mustache"),
                .embedInCode("Web/Templates/workflows.mustache"),
                .embedInCode("Web/Templates/routing.mustache"),
                .embedInCode("Web/Templates/workflow-simulation.mustache"),
                .embedInCode("Web/Templates/locations.mustache"),
                .embedInCode("Web/Templates/routing-simulation.mustache"),
                .embedInCode("Web/Templates/routing-comparison.mustache"),
                .embedInCode("Web/Templates/take-back.mustache"),
                .embedInCode("Web/Templates/waiting.mustache"),
                .embedInCode("Web/Templates/invoice.mustache"),
                .embedInCode("Web/Templates/reports.mustache"),
                .embedInCode("Web/Templates/tax-rates.mustache"),
                .embedInCode("Web/Templates/messages.mustache"),
                .embedInCode("Web/Templates/error.mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "orderly",
            dependencies: [
                "OrderlyServer",
                "OrderlyStore",
                "OrderlyCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "OrderlyBench",
            dependencies: [
                "OrderlyStore", "OrderlyCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Benchmarks/OrderlyBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrderlyCoreTests",
            dependencies: ["OrderlyCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrderlyStoreTests",
            dependencies: [
                "OrderlyStore", "OrderlyCore", "OrderlyTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrderlyServerTests",
            dependencies: [
                "OrderlyServer", "OrderlyStore", "OrderlyCore", "OrderlyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrderlyTestSupport",
            dependencies: [
                "OrderlyStore", "OrderlyCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Tests/OrderlyTestSupport",
            swiftSettings: swiftSettings
        ),
    ]
)
