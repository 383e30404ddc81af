package web

// The platform's codes in Dutch, with the tone of their badge. An unknown code is shown as
// it is: a new status from a service is never hidden.
var labels = map[string]struct{ text, tone string }{
	// enrolments (trajecten)
	"enrolled": {"ingeschreven", ""}, "started": {"gestart", "info"}, "completed": {"afgerond", "info"},
	"placed": {"geplaatst", "good"}, "sustainably_placed": {"duurzaam geplaatst", "good"}, "dropped_out": {"uitgevallen", "bad"},
	// contracts, schemes, applications, tenders
	"active": {"actief", "good"}, "suspended": {"opgeschort", "warn"}, "ended": {"beëindigd", ""},
	"draft": {"concept", ""}, "open": {"open", "good"}, "closed": {"gesloten", ""},
	"accepted": {"toegelaten", "good"}, "rejected": {"afgewezen", "bad"}, "in_review": {"ter beoordeling", "warn"},
	"announced": {"aangekondigd", "info"}, "awarded": {"gegund", "good"}, "cancelled": {"vervallen", ""},
	// tranches (termijnen) and runs (betaalruns)
	"expected": {"verwacht", ""}, "held": {"aangehouden", "warn"}, "payable": {"te keuren", "info"},
	"approved": {"goedgekeurd", "good"}, "exported": {"in betaalrun", "info"}, "paid": {"betaald", "good"},
	"reversed": {"teruggedraaid", ""}, "claimed": {"teruggevorderd", "warn"},
	"building": {"in opbouw", ""}, "ready": {"wacht op tweede goedkeuring", "warn"}, "sent": {"verzonden", "good"},
	// social return (projecten, verklaringen)
	"on_track": {"op koers", "good"}, "behind": {"achter", "warn"}, "met": {"behaald", "good"}, "overdue": {"verlopen", "bad"},
	"checking": {"in controle", ""}, "submitted": {"ingediend", "info"}, "expired": {"vervallen: niet op tijd beoordeeld", "warn"},
	"no_policy": {"geen beleid van de regio", "warn"},
	// milestones
	"milestone:started": {"start", ""}, "milestone:completed": {"afronding", ""}, "milestone:placed": {"plaatsing", ""},
	"milestone:sustainably_placed": {"duurzame plaatsing", ""},
	// hold codes (redenen van aanhouden)
	"hold:no-contract": {"geen contract van kracht", ""}, "hold:contract-suspended": {"contract opgeschort op de mijlpaaldatum", ""},
	"hold:milestone-not-reached": {"mijlpaal nog niet bereikt", ""}, "hold:duplicate": {"dubbele termijn", ""},
	"hold:price-above-cap": {"prijs boven het maximum", ""}, "hold:bank-account-missing": {"geen IBAN bekend", ""},
	"hold:bank-account-invalid": {"IBAN ongeldig", ""}, "hold:bank-account-unconfirmed": {"nieuw IBAN nog niet bevestigd", ""},
	"hold:budget-insufficient": {"budget ontoereikend", ""}, "hold:no-budget": {"geen budget voor deze regeling", ""},
	"hold:bank-rejected": {"door de bank geweigerd", ""}, "hold:budget-period-ended": {"na de looptijd van het budget", ""},
}

// Label is a code in Dutch.
func Label[S ~string](code S) string {
	if l, ok := labels[string(code)]; ok {
		return l.text
	}
	return string(code)
}

// Tone is the badge tone of a status.
func Tone[S ~string](code S) string {
	if l, ok := labels[string(code)]; ok && l.tone != "" {
		return l.tone
	}
	return "plain"
}

// Status is a badge cell for a status code.
func Status[S ~string](code S) Cell { return Cell{Text: Label(code), Badge: Tone(code)} }

// Labels are the codes' Dutch words, for a service's file that holds codes (Translate).
func Labels() map[string]string {
	out := make(map[string]string, len(labels))
	for code, l := range labels {
		out[code] = l.text
	}
	return out
}
