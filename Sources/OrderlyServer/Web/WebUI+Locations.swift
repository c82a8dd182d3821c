import Foundation
import Hummingbird
import OrderlyCore
import OrderlyStore

/// The locations page: every warehouse, store and supplier with what routing reads of it —
/// type, priority, daily capacity, coordinates, tags, capabilities, active — edited and added
/// by who manages the catalogue (the same store calls as `/v1/locations`), read by the rest.
extension WebUI {
    func locations(_ request: Request, _ session: StaffStore.Session) async throws -> Response {
        let principal = session.user.principal
        try principal.authorize(.readCatalog)
        let canManage = principal.may(.manageCatalog)
        let items = try await stores.locations.list(after: nil, limit: 500).items.map { location -> [String: Any] in
            var row: [String: Any] = [
                "id": location.id.rawValue, "name": location.name, "priority": location.priority, "tags": location.tags.joined(separator: ", "),
                "openingHours": location.openingHours ?? "",
                "types": Location.Kind.allCases.map { ["value": $0.rawValue, "selected": $0 == location.kind] }, "csrf": session.csrfToken,
                "canManage": canManage, "active": location.active, "ship": location.capabilities.ship, "pickup": location.capabilities.pickup,
                "returns": location.capabilities.returns,
            ]
            if let capacity = location.dailyCapacity { row["dailyCapacity"] = capacity }
            if let hours = location.alerts.acceptWithinHours { row["acceptWithinHours"] = hours }
            if let days = location.alerts.collectWithinDays { row["collectWithinDays"] = days }
            if case let errors = Self.fieldErrors(request, form: "location-\(location.id)", group: "alerts"), !errors.isEmpty {
                row["errors"] = errors
            }
            if let coordinates = location.coordinates {
                row["latitude"] = coordinates.latitude
                row["longitude"] = coordinates.longitude
            }
            return row
        }
        var values: [String: Any] = [
            "locations": items, "canManage": canManage, "csrf": session.csrfToken,
            "types": Location.Kind.allCases.map { ["value": $0.rawValue, "selected": $0 == .store] },
        ]
        if case let errors = Self.fieldErrors(request, form: "new-location"), !errors.isEmpty { values["newErrors"] = errors }
        return render("locations", values, session: session, request: request, here: "locations")
    }

    func registerLocationActions(on router: Router<BasicRequestContext>) {
        router.post("/locations") { request, context in
            try await action(request, context, back: "/locations#new-location", form: "new-location") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(LocationForm.self)
                guard let id = fields.id else { throw OrderlyError.invalid("id", "is required") }
                var location = Location(id: LocationID(id), name: fields.name, kind: try fields.kind())
                try fields.apply(to: &location, capabilitiesGiven: fields.ship != nil || fields.pickup != nil || fields.returns != nil)
                _ = try await stores.locations.create(location, actor: session.user.principal.name)
                return ("/locations#location-\(id)", session.says("Location \(id) added.", "Locatie \(id) toegevoegd."))
            }
        }
        router.post("/locations/:id") { request, context in
            let id = try context.parameters.require("id")
            return try await action(request, context, back: "/locations#location-\(id)", form: "location-\(id)") { form, session in
                try session.user.principal.authorize(.manageCatalog)
                let fields = try form.decode(LocationForm.self)
                let kind = try fields.kind()
                _ = try await stores.locations.update(LocationID(id), actor: session.user.principal.name) { location in
                    location.name = fields.name
                    location.kind = kind
                    try fields.apply(to: &location, capabilitiesGiven: true)
                }
                return ("/locations#location-\(id)", session.says("Location \(id) saved.", "Locatie \(id) opgeslagen."))
            }
        }
    }
}

/// A location as typed: numbers and coordinates as text, tags separated by commas, the
/// capabilities and `active` as checkboxes (absent when not ticked).
struct LocationForm: Decodable, Sendable {
    var id: String?
    var name: String
    var type: String
    var priority: FormNumber<Int>?
    var dailyCapacity: FormNumber<Int>?
    var acceptWithinHours: FormNumber<Int>?
    var collectWithinDays: FormNumber<Int>?
    var latitude: String?
    var longitude: String?
    var tags: String?
    var openingHours: String?
    var active: String?
    var ship: String?
    var pickup: String?
    var returns: String?

    func kind() throws(OrderlyError) -> Location.Kind {
        guard let kind = Location.Kind(rawValue: type) else { throw OrderlyError.invalid("type", "must be warehouse, store or supplier") }
        return kind
    }

    /// Everything but the id, name and type onto `location` (checked when it is saved).
    func apply(to location: inout Location, capabilitiesGiven: Bool) throws(OrderlyError) {
        location.priority = priority?.value ?? 100
        location.dailyCapacity = dailyCapacity?.value
        location.alerts.acceptWithinHours = acceptWithinHours?.value
        location.alerts.collectWithinDays = collectWithinDays?.value
        switch (
            latitude.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) },
            longitude.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        ) {
        case (let lat?, let lon?): location.coordinates = Coordinates(latitude: lat, longitude: lon)
        case (nil, nil) where latitude == nil && longitude == nil: location.coordinates = nil
        default:
            throw OrderlyError.invalid(
                latitude.flatMap { Double($0) } == nil ? "latitude" : "longitude", "give both coordinates in degrees, such as 52.37 and 4.89")
        }
        location.tags = WebForm.list(tags)
        location.openingHours = openingHours.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        location.active = active != nil
        if capabilitiesGiven { location.capabilities = .init(ship: ship != nil, pickup: pickup != nil, returns: returns != nil) }
    }
}
