import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listChannels(_ input: Operations.ListChannels.Input) async throws -> Operations.ListChannels.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        let page = try await stores.channels.list(after: input.query.cursor, limit: input.query.limit)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Channel.init), nextCursor: page.nextCursor))))
    }

    func createChannel(_ input: Operations.CreateChannel.Input) async throws -> Operations.CreateChannel.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        var channel = Channel(id: ChannelID(body.id), name: body.name, kind: Channel.Kind(rawValue: body._type.rawValue) ?? .other)
        try channel.apply(locations: body.locations, routing: body.routing, holdRules: body.holdRules, payments: body.payments)
        if let workflow = body.workflow, !workflow.isEmpty { channel.workflow = workflow }
        if let language = body.language { channel.language = Language(language) }
        if let alerts = body.alerts { channel.alerts = AlertThresholds(alerts) }
        let created = try await stores.channels.create(channel, actor: Self.actor(caller))
        return .created(.init(body: .json(.init(created))))
    }

    func getChannel(_ input: Operations.GetChannel.Input) async throws -> Operations.GetChannel.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        return .ok(.init(body: .json(.init(try await stores.channels.get(ChannelID(input.path.id))))))
    }

    func updateChannel(_ input: Operations.UpdateChannel.Input) async throws -> Operations.UpdateChannel.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let updated = try await stores.channels.update(ChannelID(input.path.id), actor: Self.actor(caller)) { channel in
            if let name = body.name { channel.name = name }
            if let kind = body._type.flatMap({ Channel.Kind(rawValue: $0.rawValue) }) { channel.kind = kind }
            try channel.apply(locations: body.locations, routing: body.routing, holdRules: body.holdRules, payments: body.payments)
            if let workflow = body.workflow { channel.workflow = workflow.isEmpty ? nil : workflow }
            if let language = body.language { channel.language = Language(language) }
            if let alerts = body.alerts { channel.alerts = AlertThresholds(alerts) }
        }
        return .ok(.init(body: .json(.init(updated))))
    }
}

extension Channel {
    /// Applies the optional parts of a create or patch body; routing and payment fields not given keep their value.
    mutating func apply(
        locations: [String]?, routing: Components.Schemas.Routing?, holdRules: [Components.Schemas.HoldRule]?,
        payments: Components.Schemas.ChannelPayments?
    ) throws(OrderlyError) {
        if let payments {
            if let capture = payments.capture { self.payments.capture = .init(capture) }
            if let require = payments.require { self.payments.require = .init(require) }
            if let invoicing = payments.invoicing { self.payments.invoicing = PaymentPolicy.Invoicing(rawValue: invoicing.rawValue) ?? .perShipment }
            if let timeout = payments.timeout { self.payments.timeout = try PaymentPolicy.timeout(timeout, field: "payments.timeout") }
        }
        if let locations { self.locations = locations.map(LocationID.init) }
        if let routing {
            if let shipFromStore = routing.shipFromStore { self.routing.shipFromStore = shipFromStore }
            if let onShortage = routing.onShortage.flatMap({ RoutingPolicy.ShortagePolicy(rawValue: $0.rawValue) }) {
                self.routing.onShortage = onShortage
            }
            if let maxSplits = routing.maxSplits { self.routing.maxSplits = maxSplits }
            if let criteria = routing.criteria { self.routing.criteria = criteria.compactMap { RoutingPolicy.Criterion(rawValue: $0.rawValue) } }
            if let strategy = routing.strategy { self.routing.strategy = strategy.isEmpty ? nil : strategy }
        }
        if let holdRules {
            self.holdRules = holdRules.map {
                HoldRule(
                    name: $0.name, minTotal: $0.minTotal, firstOrder: $0.firstOrder, countries: $0.countries, postalCodes: $0.postalCodes,
                    tags: $0.tags)
            }
        }
    }
}

extension Components.Schemas.Channel {
    init(_ c: Channel) {
        self.init(
            id: c.id.rawValue, name: c.name, _type: .init(rawValue: c.kind.rawValue) ?? .other, locations: c.locations.map(\.rawValue),
            routing: .init(
                shipFromStore: c.routing.shipFromStore, onShortage: .init(rawValue: c.routing.onShortage.rawValue),
                maxSplits: c.routing.maxSplits, criteria: c.routing.criteria.compactMap { .init(rawValue: $0.rawValue) },
                strategy: c.routing.strategy),
            holdRules: c.holdRules.map {
                .init(
                    name: $0.name, minTotal: $0.minTotal, firstOrder: $0.firstOrder, countries: $0.countries, postalCodes: $0.postalCodes,
                    tags: $0.tags)
            },
            payments: .init(
                capture: .init(c.payments.capture), require: .init(c.payments.require), timeout: c.payments.timeout?.description,
                invoicing: .init(rawValue: c.payments.invoicing.rawValue)),
            workflow: c.workflow, language: .init(rawValue: c.language.rawValue) ?? .en,
            alerts: .init(c.alerts))
    }
}

extension PaymentPolicy.Capture {
    init(_ capture: Components.Schemas.ChannelPayments.CapturePayload) {
        switch capture {
        case .onPlacement: self = .onPlacement
        case .onShipment: self = .onShipment
        case .manual: self = .manual
        }
    }
}

extension PaymentPolicy.Requirement {
    init(_ requirement: Components.Schemas.ChannelPayments.RequirePayload) {
        switch requirement {
        case .none: self = .none
        case .authorized: self = .authorized
        case .paid: self = .paid
        }
    }
}

extension Components.Schemas.ChannelPayments.CapturePayload {
    init(_ capture: PaymentPolicy.Capture) {
        switch capture {
        case .onPlacement: self = .onPlacement
        case .onShipment: self = .onShipment
        case .manual: self = .manual
        }
    }
}

extension Components.Schemas.ChannelPayments.RequirePayload {
    init(_ requirement: PaymentPolicy.Requirement) {
        switch requirement {
        case .none: self = .none
        case .authorized: self = .authorized
        case .paid: self = .paid
        }
    }
}
