import Metrics
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func getAvailability(_ input: Operations.GetAvailability.Input) async throws -> Operations.GetAvailability.Output {
        let channel = ChannelID(input.query.channel)
        _ = try RequestScope.caller(may: .readAvailability(channel))
        let origin: Coordinates?
        switch (input.query.latitude, input.query.longitude) {
        case (let latitude?, let longitude?):
            guard (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                throw OrderlyError.invalid("latitude", "latitude and longitude must be valid coordinates")
            }
            origin = Coordinates(latitude: latitude, longitude: longitude)
        case (nil, nil): origin = nil
        default: throw OrderlyError.invalid("latitude", "latitude and longitude go together")
        }
        let items = try await stores.availability.availability(
            channel: channel, skus: input.query.sku.map(SKU.init), origin: origin, locationLimit: input.query.limit)
        return .ok(
            .init(
                body: .json(
                    .init(
                        channel: channel.rawValue,
                        items: items.map { item in
                            .init(
                                sku: item.sku.rawValue, available: item.available,
                                locations: item.locations.map {
                                    .init(locationId: $0.locationId.rawValue, available: $0.available, pickup: $0.pickup, distanceKm: $0.distanceKm)
                                },
                                incoming: item.incoming.map {
                                    .init(locationId: $0.locationId.rawValue, quantity: $0.quantity, expectedAt: $0.expectedAt)
                                })
                        }))))
    }

    func createReservation(_ input: Operations.CreateReservation.Input) async throws -> Operations.CreateReservation.Output {
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        let channel = ChannelID(body.channel)
        let caller = try RequestScope.caller(may: .reserve(channel))
        let lines = body.lines.map {
            ReservationPlanner.Line(sku: SKU($0.sku), quantity: $0.quantity, locationId: $0.locationId.map(LocationID.init))
        }
        do {
            let reservation = try await stores.reservations.create(
                channel: channel, lines: lines, ttlSeconds: body.ttlSeconds, actor: Self.actor(caller))
            Counter(label: "orderly_reservations_created_total").increment()
            return .created(.init(body: .json(.init(reservation))))
        } catch let error as OrderlyError where error.code == .insufficientStock {
            Counter(label: "orderly_reservations_refused_total").increment()
            throw error
        }
    }

    func getReservation(_ input: Operations.GetReservation.Input) async throws -> Operations.GetReservation.Output {
        let reservation = try await stores.reservations.get(ReservationID(input.path.id))
        try visible(reservation)
        return .ok(.init(body: .json(.init(reservation))))
    }

    func releaseReservation(_ input: Operations.ReleaseReservation.Input) async throws -> Operations.ReleaseReservation.Output {
        let id = ReservationID(input.path.id)
        let existing = try await stores.reservations.get(id)
        let caller = try visible(existing)
        return .ok(.init(body: .json(.init(try await stores.reservations.release(id, actor: Self.actor(caller))))))
    }

    /// A channel key sees only its own channel's reservations (another's answers 404).
    @discardableResult
    private func visible(_ reservation: Reservation) throws -> Principal {
        let principal = try RequestScope.caller()
        try principal.authorize(.reserve(reservation.channel), on: "Reservation", reservation.id, seenWith: .reserve(reservation.channel))
        return principal
    }
}

extension Components.Schemas.Reservation {
    init(_ r: Reservation) {
        self.init(
            id: r.id.rawValue, channel: r.channel.rawValue, status: .init(rawValue: r.status.rawValue) ?? .active,
            expiresAt: r.expiresAt, createdAt: r.createdAt,
            lines: r.lines.map { .init(sku: $0.sku.rawValue, locationId: $0.locationId.rawValue, quantity: $0.quantity) })
    }
}
