import Foundation
import Mustache

/// The back office's own words (navigation, headings, column heads, labels and buttons) in
/// the person's language. Templates mark them `{{#t}}Pick list{{/t}}`; a phrase without a
/// Dutch entry shows in English. Statuses and codes have their words in `Words`.
enum Chrome {
    /// `{{#t}}…{{/t}}` for `language`.
    static func translator(_ language: String) -> MustacheLambda {
        MustacheLambda { (text: String) -> Any? in
            guard language == "nl" else { return text }
            let phrase = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return dutch[phrase] ?? text
        }
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
        "Navigation, headings, buttons and every status in this language; messages from the back office stay English.":
            "Navigatie, koppen, knoppen en elke status in deze taal; meldingen van de backoffice blijven Engels.",
    ]
}
