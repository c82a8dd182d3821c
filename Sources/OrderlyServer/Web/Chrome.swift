import Foundation
import Mustache

/// The back office's own words (navigation, headings, column heads, labels and buttons) in
/// the person's language. Templates mark them `{{#t}}Pick list{{/t}}`; a phrase without a
/// Dutch entry shows in English. Statuses and codes have their words in `Words`.
enum Chrome {
    /// `{{#t}}…{{/t}}` for `language`.
    static func translator(_ language: String) -> MustacheLambda {
        MustacheLambda { (text: String) -> Any? in
            let words = language == "nl" ? dutch(text) ?? text : text
            // A string is rendered again as a template, with the innermost section's object: in
            // an empty list's `{{^list}}` that is the empty list, which renders nothing. Words
            // without tags need no rendering, so they are given back as they are.
            return words.contains("{{") ? words : Verbatim(description: words)
        }
    }

    /// Words the lambda gives back as they are (HTML included, as the template has it).
    struct Verbatim: CustomStringConvertible {
        let description: String
    }

    /// The Dutch of `text`, keeping the spaces around it; runs of white space inside count as
    /// one space, so a phrase may wrap over lines in a template. nil without an entry.
    static func dutch(_ text: String) -> String? {
        let phrase = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let words = dutch[phrase] else { return nil }
        let leading = text.prefix { $0.isWhitespace }
        let trailing = String(text.reversed().prefix { $0.isWhitespace }.reversed())
        return leading + words + trailing
    }

    static let dutch: [String: String] = [
        // Navigation
        "Dashboard": "Overzicht", "Orders": "Bestellingen", "New order": "Nieuwe bestelling", "Waiting": "Wachtend", "Reports": "Rapporten",
        "Inventory": "Voorraad", "Tax rates": "Btw-tarieven", "Payments": "Betalingen", "Workflows": "Workflows", "Routing": "Routering",
        "Locations": "Locaties", "Messages": "Berichten", "People": "Mensen", "Sign out": "Afmelden", "Sign in": "Aanmelden",
        "Sign in to Orderly": "Aanmelden bij Orderly", "Your account": "Je account",
        // Dashboard
        "Today": "Vandaag", "Orders today by channel and status": "Bestellingen vandaag per kanaal en status", "Needs attention": "Vraagt aandacht",
        "Late": "Te laat", "Late since": "Te laat sinds", "What": "Wat", "Where": "Waar", "When": "Wanneer", "Who": "Wie", "Details": "Details",
        // Orders and the order page
        "Search": "Zoeken", "Find": "Zoeken", "Order": "Bestelling", "Number": "Nummer", "Channel": "Kanaal", "Customer": "Klant",
        "Status": "Status", "Total": "Totaal", "Created": "Aangemaakt", "Placed": "Geplaatst", "External id": "Extern id", "Lines": "Regels",
        "Line": "Regel", "Line total": "Regeltotaal", "SKU": "Artikel", "Qty": "Aantal", "Units": "Stuks", "Price": "Prijs", "Each": "Per stuk",
        "Delivery": "Levering", "Allocated": "Toegewezen", "Backordered": "In nalevering", "Fulfilled": "Geleverd", "Cancelled": "Geannuleerd",
        "Returned": "Geretourneerd", "Expected": "Verwacht", "Discounts": "Kortingen", "Taxes": "Btw", "Fulfillment": "Uitlevering",
        "Location": "Locatie", "Type": "Soort", "Pickup code": "Afhaalcode", "Actions": "Acties", "Note": "Notitie", "Add note": "Notitie toevoegen",
        "Hold": "Blokkeren", "Holds": "Blokkades", "Put on hold": "In de wacht zetten", "Release": "Vrijgeven", "Cancel": "Annuleren",
        "Change": "Wijzigen", "Change lines": "Regels wijzigen", "Swap for sku": "Ruilen voor artikel", "Move": "Verplaatsen",
        "Split off": "Afsplitsen", "Merge into": "Samenvoegen met", "Shipping address": "Verzendadres", "Street": "Straat",
        "Postal code": "Postcode", "City": "Plaats", "Country": "Land", "Return": "Retour", "Start return": "Retour starten",
        "Reason": "Reden", "Payments and money": "Betalingen en geld", "Record a payment": "Betaling vastleggen", "Record": "Vastleggen",
        "Amount": "Bedrag", "Kind": "Soort", "Provider": "Aanbieder", "Method": "Methode", "Reference": "Referentie", "Invoices": "Facturen",
        "Issued": "Uitgegeven", "Refund": "Terugbetalen", "Messages to the customer": "Berichten aan de klant", "Message": "Bericht",
        "To": "Aan", "Subject": "Onderwerp", "Timeline": "Tijdlijn", "Approve": "Goedkeuren", "Reject": "Afwijzen", "Next step": "Volgende stap",
        // Customers
        "Profile": "Profiel", "Name": "Naam", "Email": "E-mail", "Phone": "Telefoon", "Tags": "Labels", "Save": "Opslaan",
        "Orders from every channel": "Bestellingen uit alle kanalen", "Merge into this profile": "Samenvoegen met dit profiel",
        "Another profile of this person (its email or id)": "Een ander profiel van deze persoon (e-mail of id)",
        "Erase personal data": "Persoonsgegevens wissen", "History": "Geschiedenis",
        // Order entry
        "Check stock and routing": "Voorraad en routering controleren", "Place order": "Bestelling plaatsen", "Ship to": "Verzenden naar",
        "Pickup": "Afhalen", "Available now": "Nu beschikbaar", "Available": "Beschikbaar", "Distance": "Afstand",
        // The store
        "Pick list": "Paklijst", "Fulfillment orders": "Uitleveringen", "Accept": "Accepteren", "Ship all": "Alles verzenden",
        "Ship scanned": "Gescand verzenden", "Ready for pickup": "Klaar om af te halen", "Hand over": "Overhandigen",
        "Returns to receive": "Retouren om te ontvangen", "Receive": "Ontvangen", "Refunds at the till": "Terugbetalingen aan de kassa",
        "Pay back": "Terugbetalen", "Cash": "Contant", "To the card": "Op de pinpas", "Take back": "Terugnemen",
        "Take back: receipt, order number, email or phone": "Terugnemen: bon, bestelnummer, e-mail of telefoon",
        "Receipt, order number, email or phone": "Bon, bestelnummer, e-mail of telefoon", "Find the order": "Bestelling zoeken",
        "Count a shelf": "Een schap tellen", "Record the count": "Telling vastleggen", "Check against the stock": "Vergelijken met de voorraad",
        "Counted": "Geteld", "Variance": "Verschil", "On hand": "Aanwezig", "On hand after": "Aanwezig na", "Reserved": "Gereserveerd",
        "Safety stock": "Veiligheidsvoorraad", "Incoming": "Onderweg", "Counter sale": "Verkoop aan de balie", "Sell": "Verkopen",
        "Email for the receipt": "E-mail voor de bon", "Where else is it in stock": "Waar is het nog meer op voorraad", "Look up": "Opzoeken",
        "Store": "Winkel", "Bought": "Gekocht", "Can come back": "Kan retour", "Resellable": "Verkoopbaar", "Damaged": "Beschadigd",
        "Open box": "Geopend", "Paid by": "Betaald met", "Waiting for": "Wacht op", "Ledger": "Grootboek",
        "Scan each unit, or type a sku and a count per line": "Scan elk stuk, of typ per regel een artikel en een aantal",
        "Scan each sku with its price, one per line (units before the price when more than one)":
            "Scan elk artikel met zijn prijs, één per regel (het aantal voor de prijs als het er meer zijn)",
        // Placeholders and choices on the handheld
        "Carrier": "Vervoerder", "Scan the product": "Scan het artikel",
        "Scan the receipt's barcode": "Scan de streepjescode van de bon", "Scan the units in the parcel": "Scan de stuks in het pakket",
        "Tracking": "Track & trace", "optional": "optioneel", "e.g. wrong size": "bijv. verkeerde maat", "card": "pin", "cash": "contant",
        "all damaged": "alles beschadigd", "damaged": "beschadigd", "no capacity": "geen capaciteit", "not on the shelf": "niet in het schap",
        "all open box": "alles geopend", "other": "anders", "all resellable": "alles verkoopbaar",
        // Account
        "Change password": "Wachtwoord wijzigen", "Current password": "Huidig wachtwoord", "Password": "Wachtwoord",
        "New password (12 characters at least)": "Nieuw wachtwoord (minstens 12 tekens)", "Language": "Taal",
        "The back office in": "De backoffice in",
        "Pages, messages after a form, dates and money in this language; refusals by the rules stay English.":
            "Pagina's, meldingen na een formulier, datums en bedragen in deze taal; weigeringen door de regels blijven Engels.",
        // Admin pages, lists and the rest
        "Change your password ({{email}})": "Wijzig je wachtwoord ({{email}})",
        "Price ({{currency}})": "Prijs ({{currency}})",
        "Shipping ({{currency}})": "Verzending ({{currency}})",
        "Routing if placed now · total {{total}}": "Routering als je nu plaatst · totaal {{total}}",
        "Refused for want of stock: {{.}}": "Geweigerd wegens te weinig voorraad: {{.}}",
        "(subtotal {{subtotal}}, discounts −{{discount}}, shipping {{shipping}}, tax {{tax}})":
            "(subtotaal {{subtotal}}, kortingen −{{discount}}, verzending {{shipping}}, btw {{tax}})",
        "authorized {{authorized}} · captured {{captured}} · refunded {{refunded}} · due {{amountDue}}":
            "geautoriseerd {{authorized}} · afgeschreven {{captured}} · terugbetaald {{refunded}} · open {{amountDue}}",
        "pending {{pending}} · paid {{paid}}": "openstaand {{pending}} · betaald {{paid}}",
        "Waiting in stage “{{name}}”": "Wacht in fase “{{name}}”",
        "pickup at {{storeName}}": "afhalen bij {{storeName}}",
        "line {{number}} · {{sku}}": "regel {{number}} · {{sku}}",
        "line {{splitLine}} · {{splitSku}} ({{splitOpen}})": "regel {{splitLine}} · {{splitSku}} ({{splitOpen}})",
        "shipping: {{method}} {{carrier}}": "verzending: {{method}} {{carrier}}",
        "Net sales per day by channel, refunds below ({{currency}})": "Netto verkoop per dag per kanaal, terugbetalingen eronder ({{currency}})",
        "{{nearby.productName}}: {{nearby.hereAvailable}} available here": "{{nearby.productName}}: {{nearby.hereAvailable}} hier beschikbaar",
        "version {{version}}, active": "versie {{version}}, actief",
        "note": "notitie", "why": "waarom", "sku": "artikel", "qty": "aantal",
        "Address": "Adres",
        "Its orders, addresses and tags move here; its email keeps finding this profile.":
            "Zijn bestellingen, adressen en labels gaan hierheen; zijn e-mail vindt dit profiel voortaan.",
        "Erase this person's data (a GDPR request): type ERASE": "Gegevens van deze persoon wissen (AVG-verzoek): typ ERASE",
        "Email, name, phone and addresses go from the profile, its merged profiles, their orders, timelines and invoices; amounts, payments and the country of sale stay. It cannot be undone.":
            "E-mail, naam, telefoon en adressen verdwijnen uit het profiel, de samengevoegde profielen, hun bestellingen, tijdlijnen en facturen; bedragen, betalingen en het land van verkoop blijven. Dit kan niet ongedaan worden gemaakt.",
        "Orders today": "Bestellingen vandaag",
        "Awaiting stock": "Wacht op voorraad",
        "On hold": "In de wacht",
        "Failed webhook deliveries": "Mislukte webhook-leveringen",
        "No orders yet today.": "Nog geen bestellingen vandaag.",
        "<a href=\"javascript:history.back()\">Back</a>": "<a href=\"javascript:history.back()\">Terug</a>",
        "No stock recorded for this sku.": "Geen voorraad vastgelegd voor dit artikel.",
        "All locations": "Alle locaties",
        "Every place that holds stock and what routing reads of it: the type, the priority (lower first), the fulfillment orders it takes a day (empty: no limit), its coordinates (for distance), its tags (for routing rules' filters: <span class=\"mono\">region-north, flagship</span>), what it can do, and whether it is active.":
            "Elke plek met voorraad en wat de routering ervan leest: de soort, de prioriteit (lager eerst), het aantal uitleveringen per dag (leeg: geen grens), de coördinaten (voor de afstand), de labels (voor de filters van routeringsregels: <span class=\"mono\">region-north, flagship</span>), wat de plek kan, en of hij actief is.",
        "Priority": "Prioriteit",
        "Orders a day": "Bestellingen per dag",
        "Alert if not accepted within": "Waarschuwen als niet geaccepteerd binnen",
        "or not collected within": "of niet afgehaald binnen",
        "Latitude": "Breedtegraad",
        "Longitude": "Lengtegraad",
        "Opening hours": "Openingstijden",
        "Mon–Sat 9:00–18:00": "ma–za 9:00–18:00",
        "ships": "verzendt",
        "hands over pickups": "geeft afhaalbestellingen mee",
        "takes returns": "neemt retouren aan",
        "active": "actief",
        "New location": "Nieuwe locatie",
        "Id": "Id",
        "Add": "Toevoegen",
        "Messages to customers": "Berichten aan klanten",
        "Orderly emails the customer when an order is placed, ships, is ready for pickup, is refunded or waits for stock, in the language of the order's channel. The words are templates:":
            "Orderly mailt de klant als een bestelling geplaatst, verzonden of klaar om af te halen is, terugbetaald wordt of op voorraad wacht, in de taal van het kanaal van de bestelling. De woorden zijn sjablonen:",
        "Language per channel": "Taal per kanaal",
        "Writes to its customers in": "Schrijft zijn klanten in het",
        "English": "Engels",
        "Nederlands": "Nederlands",
        "Templates": "Sjablonen",
        "(Orderly's words)": "(de woorden van Orderly)",
        "Body": "Tekst",
        "Remove": "Verwijderen",
        "A channel's own template": "Een eigen sjabloon van een kanaal",
        "A phone order, or a sale from another location's stock: check the routing first, then place it. It is routed and reserved like any channel's order.":
            "Een telefonische bestelling, of een verkoop uit de voorraad van een andere locatie: controleer eerst de routering en plaats haar dan. Ze wordt gerouteerd en gereserveerd zoals de bestelling van elk kanaal.",
        "(for lines that ship)": "(voor regels die verzonden worden)",
        "Ordered by phone": "Telefonisch besteld",
        "Decided by": "Beslist door",
        "Bill to": "Factuur aan",
        "Order discounts": "Kortingen op de bestelling",
        "Payment": "Betaling",
        "Return refunds": "Terugbetalingen van retouren",
        "No payment recorded.": "Geen betaling vastgelegd.",
        "Nothing invoiced yet: an invoice comes with each shipment.": "Nog niets gefactureerd: bij elke zending hoort een factuur.",
        "capture": "afschrijving",
        "refund": "terugbetaling",
        "sale": "verkoop",
        "authorization": "autorisatie",
        "void": "vervallen",
        "method (card, cash…)": "methode (pin, contant…)",
        "provider reference": "referentie van de aanbieder",
        "Reason (goodwill, confirmed by phone…)": "Reden (coulance, telefonisch bevestigd…)",
        "Nothing released to a location yet.": "Nog niets vrijgegeven aan een locatie.",
        "Customer called about…": "Klant belde over…",
        "ship": "verzenden",
        "new line": "nieuwe regel",
        "at": "bij",
        "Reason (customer called…)": "Reden (klant belde…)",
        "Only added units are routed; units taken off give their stock back. A line with a unit shipped can no longer change.":
            "Alleen toegevoegde stuks worden gerouteerd; weggenomen stuks geven hun voorraad terug. Een regel waarvan een stuk verzonden is, kan niet meer veranderen.",
        "whole order": "hele bestelling",
        "by mail": "per post",
        "in store": "in de winkel",
        "exchange for": "ruilen voor",
        "sku (optional)": "artikel (optioneel)",
        "price (empty: free)": "prijs (leeg: gratis)",
        "No messages yet.": "Nog geen berichten.",
        "number, external id, email, name, phone": "nummer, extern id, e-mail, naam, telefoon",
        "all": "alle",
        "From": "Van",
        "No orders match.": "Geen bestellingen gevonden.",
        "<a href=\"{{next}}\">Older orders →</a>": "<a href=\"{{next}}\">Oudere bestellingen →</a>",
        "Channels": "Kanalen",
        "<b>Capture</b>: <span class=\"mono\">on_placement</span> asks the provider for the total as the order is placed, <span class=\"mono\">on_shipment</span> for what each shipment or handover owes, <span class=\"mono\">manual</span> for nothing. <b>Require</b>: what an order needs before it goes to fulfillment; until then it waits as <i>awaiting payment</i>, its stock reserved, and is cancelled after the <b>timeout</b> (ISO 8601, such as PT48H; empty: it waits). <b>Invoicing</b>: an invoice per shipment, or one per order once nothing is left to fulfil.":
            "<b>Afschrijven</b>: <span class=\"mono\">on_placement</span> vraagt de aanbieder het totaal bij het plaatsen, <span class=\"mono\">on_shipment</span> wat elke zending of overhandiging kost, <span class=\"mono\">manual</span> niets. <b>Vereist</b>: wat een bestelling nodig heeft voor ze naar de uitlevering gaat; tot dan wacht ze als <i>wacht op betaling</i>, met haar voorraad gereserveerd, en na de <b>termijn</b> (ISO 8601, zoals PT48H; leeg: ze wacht) wordt ze geannuleerd. <b>Facturen</b>: een factuur per zending, of één per bestelling als er niets meer te leveren is.",
        "Capture": "Afschrijven",
        "Require": "Vereist",
        "Timeout": "Termijn",
        "Invoicing": "Facturen",
        "No channels you may change.": "Geen kanalen die je mag wijzigen.",
        "Payment providers": "Betaalaanbieders",
        "Providers whose integrations send signed callbacks to <span class=\"mono\">POST /v1/payments/events</span>. The secret signs their requests; it is kept sealed and never shown again.":
            "Aanbieders waarvan de koppelingen ondertekende meldingen sturen naar <span class=\"mono\">POST /v1/payments/events</span>. Het geheim ondertekent hun verzoeken; het wordt verzegeld bewaard en nooit meer getoond.",
        "No providers: callbacks are refused; payments are recorded by the API or by hand.":
            "Geen aanbieders: meldingen worden geweigerd; betalingen worden via de API of met de hand vastgelegd.",
        "Add a provider or replace its secret": "Een aanbieder toevoegen of zijn geheim vervangen",
        "signing secret, 16 characters or more": "geheim voor ondertekenen, minstens 16 tekens",
        "Who signs in to the back office, with which role and stores. Each person acts with the same rules as an API key of their role; a store user sees only their stores' work.":
            "Wie zich aanmeldt bij de backoffice, met welke rol en winkels. Iedereen handelt volgens dezelfde regels als een API-sleutel van zijn rol; een winkelgebruiker ziet alleen het werk van zijn winkels.",
        "Name, role and stores": "Naam, rol en winkels",
        "Since": "Sinds",
        "disabled": "uitgeschakeld",
        "(you)": "(jij)",
        "stores (store users)": "winkels (winkelgebruikers)",
        "Enable": "Inschakelen",
        "Disable": "Uitschakelen",
        "Reset link": "Herstellink",
        "Add a person": "Iemand toevoegen",
        "Role": "Rol",
        "service": "klantenservice",
        "store": "winkel",
        "admin": "beheerder",
        "Stores": "Winkels",
        "First password": "Eerste wachtwoord",
        "Sales": "Verkoop",
        "Show": "Tonen",
        "From the invoices and credit notes issued; CSV:": "Uit de uitgegeven facturen en creditnota's; CSV:",
        "with": "met",
        "refunds": "terugbetalingen",
        "Nothing invoiced in this period.": "Niets gefactureerd in deze periode.",
        "By channel": "Per kanaal",
        "Currency": "Valuta",
        "Gross": "Bruto",
        "Tax": "Btw",
        "Net": "Netto",
        "Refunds": "Terugbetalingen",
        "Returns": "Retouren",
        "By location": "Per locatie",
        "Choose a password": "Kies een wachtwoord",
        "Choose a new password": "Kies een nieuw wachtwoord",
        "This link is used, expired or unknown: ask an administrator for a new one.":
            "Deze link is gebruikt, verlopen of onbekend: vraag een beheerder om een nieuwe.",
        "For {{email}}. The link works once.": "Voor {{email}}. De link werkt één keer.",
        "Set password": "Wachtwoord instellen",
        "Fully routable": "Volledig te routeren",
        "Wait": "Wachten",
        "Refused": "Geweigerd",
        "Held": "Vastgehouden",
        "Locations per order": "Locaties per bestelling",
        "Units from stores": "Stuks uit winkels",
        "from warehouses": "uit magazijnen",
        "<b>{{order}}</b> by <span class=\"mono\">{{strategy}}</span> {{outcome}}.":
            "<b>{{order}}</b> volgens <span class=\"mono\">{{strategy}}</span>: {{outcome}}.",
        "Why": "Waarom",
        "waits": "wacht",
        "Rule": "Regel",
        "Candidates": "Kandidaten",
        "Outcome": "Uitkomst",
        "Chosen, and the best it beat": "Gekozen, en de beste die het versloeg",
        "Where shipped units come from. A routing strategy is an ordered list of rules: each for the orders its condition matches, over the locations its filter lets through, ranked by weighted criteria or tie-breaks, with a split cap and what to do when it cannot fill the order. The first rule that fills the order decides. Compare rules with today's routing over the latest orders before saving them; every save is a new version, and an earlier one can be made active again. Conditions: docs/conditions.md; rules: docs/routing.md.":
            "Waar verzonden stuks vandaan komen. Een routeringsstrategie is een geordende lijst regels: elk voor de bestellingen die aan haar voorwaarde voldoen, over de locaties die haar filter doorlaat, gerangschikt op gewogen criteria of beslisregels, met een grens aan het splitsen en wat te doen als ze de bestelling niet kan vullen. De eerste regel die de bestelling vult, beslist. Vergelijk regels met de huidige routering over de laatste bestellingen voor je ze opslaat; elke opslag is een nieuwe versie, en een eerdere kan weer actief worden. Voorwaarden: docs/conditions.md; regels: docs/routing.md.",
        "Its orders are routed by": "Zijn bestellingen worden gerouteerd door",
        "its own routing policy": "zijn eigen routeringsbeleid",
        "Set": "Instellen",
        "Simulate how an order is routed now:": "Simuleer hoe een bestelling nu gerouteerd wordt:",
        "Simulate": "Simuleren",
        "Each channel's own routing policy and hold rules": "Het eigen routeringsbeleid en de blokkaderegels van elk kanaal",
        "(what routes its orders without a strategy, and what holds them without a workflow)":
            "(wat zijn bestellingen routeert zonder strategie, en wat ze tegenhoudt zonder workflow)",
        "Pool": "Pool",
        "every location": "elke locatie",
        "stores ship": "winkels verzenden",
        "When short": "Bij tekort",
        "At most": "Hoogstens",
        "Tie-breaks": "Beslisregels",
        "Hold rules (JSON)": "Blokkaderegels (JSON)",
        "Alert if a fulfillment order is not accepted within": "Waarschuwen als een uitlevering niet geaccepteerd is binnen",
        "a pickup not collected within": "een afhaalbestelling niet afgehaald binnen",
        "stock waiting past its promise by": "voorraad langer dan beloofd wacht met",
        "or without a promise for": "of zonder belofte gedurende",
        "Applies to": "Geldt voor",
        "Uses": "Gebruikt",
        "Ranks by": "Rangschikt op",
        "Limits": "Grenzen",
        "Versions": "Versies",
        "Version": "Versie",
        "Saved": "Opgeslagen",
        "By": "Door",
        "Activate": "Activeren",
        "Rules (JSON)": "Regels (JSON)",
        "Compare with the active version": "Vergelijken met de actieve versie",
        "Save as a new version": "Opslaan als nieuwe versie",
        "No routing strategies yet: every channel routes by its own policy.":
            "Nog geen routeringsstrategieën: elk kanaal routeert volgens zijn eigen beleid.",
        "New routing strategy": "Nieuwe routeringsstrategie",
        "Compare with each channel's routing": "Vergelijken met de routering van elk kanaal",
        "Nothing to pick.": "Niets te pakken.",
        "No open work.": "Geen open werk.",
        "No product has the sku {{nearby.sku}}.": "Geen product heeft artikelnummer {{nearby.sku}}.",
        "No other store has it now.": "Geen andere winkel heeft het nu.",
        "{{skus}} sku(s) counted; {{unchanged}} as expected. Nothing is recorded until you record the count.":
            "{{skus}} artikel(en) geteld; {{unchanged}} zoals verwacht. Er wordt niets vastgelegd tot je de telling vastlegt.",
        "No returns on their way here.": "Geen retouren onderweg hierheen.",
        "No refund waits at this till.": "Geen terugbetaling wacht aan deze kassa.",
        "<a href=\"/stores/{{id}}\">← {{name}}</a>": "<a href=\"/stores/{{id}}\">← {{name}}</a>",
        "No order has this number, id, email or phone.": "Geen bestelling heeft dit nummer, id, e-mail of telefoonnummer.",
        "nothing left to return": "niets meer te retourneren",
        "Lines and shipping sent without taxes are taxed from these: by the country they are delivered in and the product's tax category (<span class=\"mono\">standard</span> without one, <span class=\"mono\">shipping</span> for shipping).":
            "Regels en verzending die zonder btw binnenkomen, worden hiermee belast: naar het land van levering en de btw-categorie van het product (<span class=\"mono\">standard</span> zonder categorie, <span class=\"mono\">shipping</span> voor verzending).",
        "Category": "Categorie",
        "Rate": "Tarief",
        "No tax rates: orders carry only the taxes channels send.": "Geen btw-tarieven: bestellingen dragen alleen de btw die kanalen sturen.",
        "Add or replace a rate": "Een tarief toevoegen of vervangen",
        "included in prices": "inbegrepen in de prijzen",
        "added to prices": "bovenop de prijzen",
        "Orders waiting in a stage of their channel's workflow, oldest first. Open one to approve or reject it when its stage waits for you.":
            "Bestellingen die wachten in een fase van de workflow van hun kanaal, oudste eerst. Open er een om haar goed te keuren of af te wijzen als haar fase op jou wacht.",
        "No order is waiting in a workflow stage.": "Geen bestelling wacht in een workflowfase.",
        "<b>{{order}}</b> {{outcome}}.": "<b>{{order}}</b>: {{outcome}}.",
        "Stage": "Fase",
        "The stages an order passes between placement and release: each for the orders its condition matches, ended by a condition, a signal or an approval, with a timeout. Every save is a new version; an earlier one can be made active again. Simulate one against an order to see where it would wait. A channel that names a workflow (PATCH /v1/channels) has its orders pass it; without one, its hold rules and payment gate apply.":
            "De fasen die een bestelling doorloopt tussen plaatsen en vrijgeven: elk voor de bestellingen die aan haar voorwaarde voldoen, beëindigd door een voorwaarde, een signaal of een goedkeuring, met een termijn. Elke opslag is een nieuwe versie; een eerdere kan weer actief worden. Simuleer er een met een bestelling om te zien waar die zou wachten. Een kanaal dat een workflow noemt (PATCH /v1/channels) laat zijn bestellingen die doorlopen; zonder workflow gelden zijn blokkaderegels en betaalpoort.",
        "These stages, not saved:": "Deze fasen, niet opgeslagen:",
        "Stages (JSON)": "Fasen (JSON)",
        "Simulate these stages": "Deze fasen simuleren",
        "No workflows yet.": "Nog geen workflows.",
        "Its orders pass": "Zijn bestellingen doorlopen",
        "hold rules and payment gate": "blokkaderegels en betaalpoort",
        "New workflow": "Nieuwe workflow",
    ]
}
