import Foundation
import OrderlyAPI
import OrderlyCore
import OrderlyStore

extension OrderlyAPIService {
    func listTaxRates(_ input: Operations.ListTaxRates.Input) async throws -> Operations.ListTaxRates.Output {
        _ = try RequestScope.caller(may: .readCatalog)
        let rules = try await stores.taxRates.list(country: input.query.country)
        return .ok(.init(body: .json(.init(items: rules.map(Components.Schemas.TaxRateRule.init)))))
    }

    func upsertTaxRates(_ input: Operations.UpsertTaxRates.Input) async throws -> Operations.UpsertTaxRates.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        guard case .json(let body) = input.body else { throw OrderlyError.invalid("body", "must be JSON") }
        var v = Validator()
        let rules = body.enumerated().map { i, rule in
            let rate = TaxRate(fraction: rule.rate)
            v.check(rate != nil, body.count > 1 ? "[\(i)].rate" : "rate", "must be a fraction between 0 and 1 with at most 6 decimals, such as 0.21")
            return TaxRateRule(
                id: rule.id, country: rule.country, taxCategory: rule.taxCategory, name: rule.name, rate: rate ?? TaxRate(millionths: 0),
                included: rule.included)
        }
        try v.validate()
        let saved = try await stores.taxRates.upsert(rules, actor: Self.actor(caller))
        return .ok(.init(body: .json(.init(items: saved.map(Components.Schemas.TaxRateRule.init)))))
    }

    func deleteTaxRate(_ input: Operations.DeleteTaxRate.Input) async throws -> Operations.DeleteTaxRate.Output {
        let caller = try RequestScope.caller(may: .manageCatalog)
        try await stores.taxRates.delete(input.path.id, actor: Self.actor(caller))
        return .noContent(.init())
    }
}

extension Components.Schemas.TaxRateRule {
    init(_ r: TaxRateRule) {
        self.init(id: r.id, country: r.country, taxCategory: r.taxCategory, name: r.name, rate: r.rate.fraction, included: r.included)
    }
}
