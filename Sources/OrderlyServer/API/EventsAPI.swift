import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        _ = try RequestScope.caller(may: .readEvents)
        let page = try await stores.events.list(after: input.query.after, limit: input.query.limit, types: input.query._type ?? [])
        return .ok(.init(body: .json(.init(items: try page.items.map(Components.Schemas.Event.init), nextCursor: page.nextCursor))))
    }
}

extension Components.Schemas.Event {
    init(_ event: StoredEvent) throws {
        self.init(
            id: event.id, _type: event.type, at: event.at, subject: event.subject, actor: event.actor,
            data: try JSONDecoder().decode(OpenAPIObjectContainer.self, from: Data(event.data.utf8)))
    }
}
