import ArgumentParser

/// The `orderly` command: run the OMS and look after its database.
@main
struct Orderly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orderly",
        abstract: "Orderly, the omnichannel order management system.",
        subcommands: [Serve.self, Migrate.self, Keys.self, Users.self, Export.self, Check.self, Secrets.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that opens the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "sqlite:///path/file.sqlite or postgres://user@host:port/db (also ORDERLY_DATABASE_URL).")
    var databaseURL: String?
}
