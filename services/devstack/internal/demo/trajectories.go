package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
)

// Demo participants. The BSNs pass the 11-proef but are not real people's.
var people = []struct {
	bsn, name, municipality string
	targetGroups            []string
	ladder                  int
}{
	{"111222333", "Sanne de Vries", "Groningen", []string{"participatiewet"}, 3},
	{"123456782", "Mohammed Al-Hassan", "Groningen", []string{"participatiewet", "statushouder"}, 2},
	{"999999990", "Peter Bakker", "Eemsdelta", []string{"ww"}, 4},
	{"010000021", "Lisa Mulder", "Het Hogeland", []string{"wajong", "doelgroepregister"}, 3},
	{"010000033", "Johan Smit", "Midden-Groningen", []string{"no_benefit"}, 4},
	{"010000045", "Fatima Yilmaz", "Groningen", []string{"participatiewet"}, 2},
	{"010000057", "Kees Visser", "Oldambt", []string{"wia_wao"}, 3},
}

// loadTrajectories registers the providers with their certificates, sets the offer of
// Bouwopleiding Noord and takes participants through every state of a trajectory.
func loadTrajectories(ctx context.Context, t Target, timmerID, werkfitID string) error {
	buyer, err := t.at("providers", auth.RoleBuyer, BuyerOrg)
	if err != nil {
		return err
	}
	for _, p := range []struct {
		kvk, name string
		vcaUntil  string
	}{{ProviderKvK, "Bouwopleiding Noord", day(400)}, {Provider2KvK, "TechniekCampus Groningen", day(-1)}, {Provider3KvK, "Duur Opleiden BV", day(200)}} {
		prov, err := t.at("providers", auth.RoleProvider, p.kvk)
		if err != nil {
			return err
		}
		if err := prov.do(ctx, "POST", "/api/v1/providers", obj{"kvk": p.kvk, "name": p.name, "regions": []string{t.Region},
			"contact": obj{"name": "Planning " + p.name, "email": "planning@" + p.kvk + ".example.nl"}}, nil); err != nil {
			return err
		}
		// TechniekCampus's VCA expired yesterday: procurement suspends its contract.
		var registry struct {
			Certificates []struct {
				ID string `json:"id"`
			} `json:"certificates"`
		}
		if err := prov.do(ctx, "POST", "/api/v1/providers/"+p.kvk+"/certificates", obj{"type": "VCA", "number": "VCA-" + p.kvk,
			"issuedOn": day(-700), "expiresOn": p.vcaUntil}, &registry); err != nil {
			return err
		}
		// The buyer checked the certificate itself: only then does it count for contracts.
		if err := buyer.do(ctx, "POST", "/api/v1/providers/"+p.kvk+"/certificates/"+registry.Certificates[0].ID+"/verification", nil, nil); err != nil {
			return err
		}
	}

	if err := registerBankAccount(ctx, t); err != nil {
		return err
	}
	provider, err := t.at("providers", auth.RoleProvider, ProviderKvK)
	if err != nil {
		return err
	}
	var offers struct {
		Items []struct {
			ContractID string `json:"contractId"`
		}
	}
	if err := poll(ctx, "the offer of "+ProviderKvK, func() (bool, error) {
		err := provider.do(ctx, "GET", "/api/v1/offers", nil, &offers)
		return err == nil && len(offers.Items) == 1, err
	}); err != nil {
		return err
	}
	contractID := offers.Items[0].ContractID
	if err := provider.update(ctx, "PUT", "/api/v1/offers/"+contractID+"/products/"+timmerID, "/api/v1/offers/"+contractID, obj{"locations": []string{"Groningen", "Assen"},
		"starts": []obj{{"date": day(-300), "location": "Groningen", "capacity": 12}, {"date": day(-20), "location": "Assen", "capacity": 8},
			{"date": day(40), "location": "Groningen", "capacity": 12}}}, nil); err != nil {
		return err
	}
	if err := provider.update(ctx, "PUT", "/api/v1/offers/"+contractID+"/products/"+werkfitID, "/api/v1/offers/"+contractID, obj{"locations": []string{"Groningen"},
		"starts": []obj{{"date": day(-90), "location": "Groningen", "capacity": 15}}}, nil); err != nil {
		return err
	}

	coach, err := t.at("participants", auth.RoleWorkCoach, BuyerOrg)
	if err != nil {
		return err
	}
	lms, err := t.at("participants", auth.RoleProvider, ProviderKvK)
	if err != nil {
		return err
	}
	ids := make([]string, len(people))
	for i, p := range people {
		var out struct{ ID string }
		if err := coach.do(ctx, "POST", "/api/v1/participants", obj{"bsn": p.bsn, "name": p.name, "municipality": p.municipality,
			"targetGroups": p.targetGroups, "ladderStep": p.ladder, "competencies": []string{},
			"consent": obj{"purpose": "begeleiding naar werk en uitwisseling met opleiders", "givenOn": day(-320)}}, &out); err != nil {
			return err
		}
		ids[i] = out.ID
	}

	coordinator, err := t.at("participants", auth.RoleCoordinator, "werkplein-"+t.Region)
	if err != nil {
		return err
	}
	// The partner systems the region connected to Kafka: their messages count.
	admin, err := t.at("participants", auth.RoleAdmin, "regio-"+t.Region)
	if err != nil {
		return err
	}
	for _, s := range []obj{{"source": "/lms/bouwopleiding-noord", "role": "provider", "org": ProviderKvK, "name": "Leeromgeving Bouwopleiding Noord"},
		{"source": "/uwv/polisadministratie", "role": "uwv", "org": "uwv", "name": "UWV polisadministratie"}} {
		keys, err := partnerKeys(s["source"].(string))
		if err != nil {
			return err
		}
		s["keys"] = keys
		if err := admin.do(ctx, "POST", "/api/v1/partner-sources", s, nil); err != nil {
			return err
		}
	}
	// Trajectories that began months ago are registered late by the coordinator, as
	// records brought over from the region's previous system are.
	enrol := func(participant, product, start, location string) (string, error) {
		var e struct{ ID string }
		by, body := coach, obj{"participantId": participant, "contractId": contractID, "productId": product, "startDate": start, "location": location}
		if start < day(-startGrace) {
			by, body["lateRegistration"] = coordinator, "overgenomen uit het vorige systeem"
		}
		err := poll(ctx, "an enrolment (the offer reaching participants)", func() (bool, error) {
			err := by.do(ctx, "POST", "/api/v1/enrolments", body, &e)
			return err == nil, err
		})
		return e.ID, err
	}
	step := func(c client, id, action string, body obj) error {
		return c.do(ctx, "POST", "/api/v1/enrolments/"+id+"/"+action, body, nil)
	}
	attend := func(id string, from, days int, hours float64) error {
		for i := range days {
			if err := lms.do(ctx, "POST", "/api/v1/enrolments/"+id+"/attendance", obj{"date": day(from + i), "hours": hours,
				"reportId": fmt.Sprintf("demo-%d", from+i)}, nil); err != nil {
				return err
			}
		}
		return nil
	}
	place := func(id, employer, start, contract string) error {
		return step(coach, id, "placements", obj{"employerKvk": employer, "startDate": start, "hoursPerWeek": 36, "contractType": contract})
	}

	// Sanne: sustainably placed. Mohammed: placed. Peter: completed. Lisa: started.
	// Johan: dropped out. Fatima: enrolled for next month. Kees: started Werkfit maken.
	for i, target := range []string{"sustainably_placed", "placed", "completed"} {
		id, err := enrol(ids[i], timmerID, day(-300), "Groningen")
		if err != nil {
			return err
		}
		if err := errors.Join(step(lms, id, "start", obj{"on": day(-300)}), attend(id, -300, 32, 8), step(lms, id, "complete", obj{"on": day(-240)})); err != nil {
			return err
		}
		switch target {
		case "sustainably_placed":
			err = place(id, "45678901", day(-230), "fixed_term")
		case "placed":
			// UWV's polisadministratie reports the job on its Kafka topic: the one partner
			// message whose trace the viewer of `werkregio up` follows through participants,
			// payments and sroi
			err = t.partnerPlacement(ctx, id, "56789012", day(-30), "permanent")
		}
		if err != nil {
			return err
		}
	}
	lisa, err := enrol(ids[3], timmerID, day(-20), "Assen")
	if err != nil {
		return err
	}
	if err := errors.Join(step(lms, lisa, "start", obj{"on": day(-20)}), attend(lisa, -20, 12, 6.5)); err != nil {
		return err
	}
	johan, err := enrol(ids[4], timmerID, day(-20), "Assen")
	if err != nil {
		return err
	}
	if err := errors.Join(step(lms, johan, "start", obj{"on": day(-20)}), step(coach, johan, "dropout", obj{"reason": "gezondheid", "on": day(-5)})); err != nil {
		return err
	}
	if _, err := enrol(ids[5], timmerID, day(40), "Groningen"); err != nil {
		return err
	}
	kees, err := enrol(ids[6], werkfitID, day(-90), "Groningen")
	if err != nil {
		return err
	}
	if err := step(lms, kees, "start", obj{"on": day(-90)}); err != nil {
		return err
	}

	// A praktijkverklaring for Peter, who went on to BBL.
	if err := coach.do(ctx, "POST", "/api/v1/participants/"+ids[2]+"/praktijkverklaringen", obj{"issuedOn": day(-230), "qualification": "25200",
		"workProcesses": []string{"Bereidt de werkzaamheden voor", "Plaatst kozijnen en deuren"}, "issuedBy": "Noorderpoort"}, nil); err != nil {
		return err
	}
	return coach.do(ctx, "POST", "/api/v1/participants/"+ids[2]+"/bbl", obj{"startedOn": day(-200), "qualification": "25200",
		"school": "Noorderpoort", "employerKvk": "45678901"}, nil)
}

// poll retries until ok or 60 seconds pass: services learn of each other over Kafka.
func poll(ctx context.Context, what string, f func() (bool, error)) error {
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := f()
		if ok {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("waiting for %s: %w", what, last)
}

// startGrace is how far back a work coach may enrol (the participants service's rule);
// earlier starts are registered late by a coordinator.
const startGrace = 14
