package ports

import "strings"

// fieldLabels are the Dutch names of the fields the services report a broken rule of (the
// last part of its path: "address.town" is the town).
var fieldLabels = map[string]string{
	"accountHolder": "Rekeninghouder", "yearlyCents": "Waarde per jaar", "assessedRequirements": "Eisen die de inkoper beoordeelt", "statements": "Toelichting", "buildingNumber": "Huisnummer", "country": "Land", "postCode": "Postcode",
	"street": "Straat", "town": "Plaats", "ageBand": "Leeftijd", "amountCents": "Bedrag", "awardedOn": "Gunningsdatum",
	"basis": "Grondslag", "basisPoints": "Percentage", "bic": "BIC", "bsn": "BSN", "budgets": "Budgetten",
	"candidate": "Kandidaat", "candidateType": "Doelgroep", "cents": "Bedrag", "code": "Code", "competencies": "Competenties",
	"consent": "Toestemming", "givenOn": "Toestemming gegeven op", "purpose": "Doel van de toestemming",
	"withdrawnOn": "Toestemming ingetrokken op", "email": "E-mailadres", "name": "Naam", "phone": "Telefoonnummer",
	"content": "Inhoud", "contractEnd": "Einde contract", "contractId": "Contract", "contractType": "Soort contract",
	"contractTypes": "Soorten opdracht", "contractValueExclVatCents": "Opdrachtwaarde excl. btw",
	"contractorKvk": "KvK-nummer opdrachtnemer", "contractorName": "Opdrachtnemer", "date": "Datum", "deadline": "Termijn",
	"defaultMonths": "Standaardtermijn", "description": "Omschrijving", "document": "Document", "dueOn": "Te betalen op",
	"effectiveFrom": "Geldig vanaf", "employerKvk": "KvK-nummer werkgever", "endDate": "Einddatum",
	"enrolmentId": "Inschrijving", "enterprise": "Certificering", "estimatedValueCents": "Geraamde waarde",
	"examples": "Rekenvoorbeelden", "executionDate": "Uitvoeringsdatum", "expectedPublication": "Verwachte publicatie",
	"expiresOn": "Geldig tot", "fullTimeHours": "Uren voltijd", "graceMonths": "Uitlooptermijn", "hours": "Uren",
	"activity": "Activiteit", "on": "Datum", "hoursPerWeek": "Uren per week", "iban": "IBAN", "id": "Id",
	"invoiceCents": "Factuurbedrag", "invoiceDate": "Factuurdatum", "invoiceNumber": "Factuurnummer",
	"supplier": "Leverancier", "supplierKvk": "KvK-nummer leverancier", "issuedBy": "Afgegeven door",
	"issuedOn": "Afgegeven op", "keys": "Sleutels", "kind": "Soort", "kvk": "KvK-nummer", "ladderStep": "Trede participatieladder",
	"lateRegistration": "Reden late inschrijving", "location": "Locatie", "maxMonths": "Maximale termijn",
	"minMonths": "Minimale termijn", "move": "Boeking", "municipality": "Gemeente", "openFrom": "Open vanaf",
	"openUntil": "Open tot en met", "org": "Organisatie", "participantId": "Deelnemer", "priceCents": "Prijs",
	"productId": "Product", "products": "Producten", "providerKvk": "KvK-nummer aanbieder", "providerName": "Aanbieder",
	"publicationDate": "Publicatiedatum", "purchase": "Inkoop", "qualification": "Kwalificatie", "reason": "Reden",
	"receivedOn": "Ontvangen op", "reference": "Kenmerk", "regions": "Regio's", "reportId": "Melding", "role": "Rol",
	"schemes": "Regelingen", "school": "School", "scope": "Reikwijdte", "sector": "Sector", "services": "Diensten",
	"source": "Bron", "sroiBasisPoints": "SROI-percentage", "startDate": "Startdatum", "startedOn": "Gestart op",
	"subject": "Onderwerp", "supplies": "Leveringen", "target": "Doel", "targetGroups": "Doelgroepen",
	"maxPriceCents": "Maximumprijs", "minAttendanceHours": "Minimaal aantal uren aanwezigheid", "tranches": "Tranches",
	"thresholdCents": "Drempelbedrag", "title": "Titel", "toBudgetId": "Naar budget", "type": "Soort", "until": "Tot en met",
	"upTo": "Tot en met", "valueCents": "Waarde", "version": "Versie", "workProcesses": "Werkprocessen", "works": "Werken",
	"from": "Vanaf", "terms": "Voorwaarden", "address": "Adres", "contact": "Contactpersoon",
}

// fieldName is a reported field's Dutch name; a field the list does not know is shown as
// the service names it.
func fieldName(path string) string {
	last := path[strings.LastIndexAny(path, "./")+1:]
	if i := strings.IndexByte(last, '['); i >= 0 {
		last = last[:i]
	}
	if label, ok := fieldLabels[last]; ok {
		return label
	}
	return path
}
