import ArgumentParser

@main
struct OrderlyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "OrderlyBench", abstract: "Orderly's micro and store benchmarks.",
        subcommands: [ReservationBenchmark.self, RoutingBenchmark.self, NetworkBenchmark.self], defaultSubcommand: ReservationBenchmark.self)
}
