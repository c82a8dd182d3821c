import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listAPIKeys(_ input: Operations.ListAPIKeys.Input) async throws -> Operations.ListAPIKeys.Output {
        _ = try RequestScope.caller(may: .manageKeys)
        let keys = try await stores.apiKeys.list()
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: keys.map {
                            .init(
                                id: $0.id.rawValue, name: $0.name, role: .init(rawValue: $0.role.rawValue) ?? .service, channel: $0.channel?.rawValue,
                                locationIds: $0.locations.map(\.rawValue), createdAt: $0.createdAt, revokedAt: $0.revokedAt)
                        }))))
    }

    func createAPIKey(_ input: Operations.CreateAPIKey.Input) async throws -> Operations.CreateAPIKey.Output {
        let caller = try RequestScope.caller(may: .manageKeys)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let (key, secret) = try await stores.apiKeys.create(
            name: body.name, role: Principal.Role(rawValue: body.role.rawValue) ?? .service, channel: body.channel.map(ChannelID.init),
            locations: (body.locationIds ?? []).map(LocationID.init), actor: Self.actor(caller))
        return .created(
            .init(
                body: .json(
                    .init(
                        id: key.id.rawValue, name: key.name, role: body.role, channel: key.channel?.rawValue,
                        locationIds: key.locations.map(\.rawValue), secret: secret))))
    }

    func revokeAPIKey(_ input: Operations.RevokeAPIKey.Input) async throws -> Operations.RevokeAPIKey.Output {
        let caller = try RequestScope.caller(may: .manageKeys)
        try await stores.apiKeys.revoke(APIKeyID(input.path.id), actor: Self.actor(caller))
        return .noContent(.init())
    }
}
