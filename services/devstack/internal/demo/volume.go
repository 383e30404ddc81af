package demo

import (
	"context"
	"fmt"
	"sync"

	"github.com/werkregio/platform/services/kit/auth"
)

// VolumeContractor is the contractor of the projects Projects makes: one of its own, so the
// volume does not crowd the demo's contractors' lists.
const VolumeContractor = "99887766"

// Projects awards n tenders with a social-return obligation, as a buyer would one by one,
// and waits until the sroi service has made each a project: the volume an export or a
// harness needs (a region has a thousand and more). It returns the projects' ids.
func Projects(ctx context.Context, t Target, n int) ([]string, error) {
	buyer, err := t.as(auth.RoleBuyer, BuyerOrg)
	if err != nil {
		return nil, err
	}
	social, err := t.at("sroi", auth.RoleBuyer, BuyerOrg)
	if err != nil {
		return nil, err
	}
	ids := make([]string, n)
	errs := make(chan error, n)
	work := make(chan int)
	var wg sync.WaitGroup
	for range 8 { // a few buyers at once: the services take requests in parallel
		wg.Go(func() {
			for i := range work {
				var td struct{ ID string }
				value := int64(50_000_000 + i*10_000)
				if err := buyer.do(ctx, "POST", "/api/v1/tenders", obj{"title": fmt.Sprintf("Onderhoud kunstwerken perceel %d", i+1), "sector": "bouw",
					"expectedPublication": day(-120), "estimatedValueCents": value, "sroiBasisPoints": 500}, &td); err != nil {
					errs <- err
					continue
				}
				if err := buyer.do(ctx, "POST", "/api/v1/tenders/"+td.ID+"/award", obj{"contractorKvk": VolumeContractor,
					"contractorName": "Kunstwerken Noord BV", "contractValueExclVatCents": value, "sroiBasisPoints": 500,
					"publicationDate": day(-100), "awardedOn": day(-90), "contractType": "works", "contractEnd": day(600)}, nil); err != nil {
					errs <- err
					continue
				}
				ids[i] = "prj-" + td.ID
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	for _, id := range ids { // the events are consumed in order: most are there by now
		if err := eventually(ctx, func() error { return social.do(ctx, "GET", "/api/v1/projects/"+id, nil, nil) }); err != nil {
			return nil, fmt.Errorf("project %s: %w", id, err)
		}
	}
	return ids, nil
}

// Get reads path of a service as role of org would, into out: a test checks through the
// API what a person did in the portal.
func (t Target) Get(ctx context.Context, service string, role auth.Role, org, path string, out any) error {
	c, err := t.at(service, role, org)
	if err != nil {
		return err
	}
	return c.do(ctx, "GET", path, nil, out)
}

// Participants registers n job seekers, as work coaches of the demo's municipality would one
// by one (each with its consent and a BSN that passes the 11-proef): the volume a
// harness needs (a region has ten thousand and more). first numbers the BSNs, so a second
// load takes other ones.
func Participants(ctx context.Context, t Target, n, first int) error {
	coach, err := t.at("participants", auth.RoleWorkCoach, BuyerOrg)
	if err != nil {
		return err
	}
	towns := []string{"Groningen", "Delfzijl", "Eemsdelta", "Midden-Groningen", "Het Hogeland", "Westerkwartier"}
	groups := []string{"participatiewet", "ww", "wajong", "statushouder"}
	errs := make(chan error, n)
	work := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range work {
				bsn := VolumeBSN(first + i)
				if err := coach.do(ctx, "POST", "/api/v1/participants", obj{"name": fmt.Sprintf("Deelnemer %05d", first+i), "bsn": bsn,
					"municipality": towns[i%len(towns)], "targetGroups": []string{groups[i%len(groups)]}, "ladderStep": 1 + i%6, "competencies": []string{},
					"consent": obj{"purpose": "begeleiding naar werk", "givenOn": day(-30)}}, nil); err != nil {
					errs <- fmt.Errorf("participant %d: %w", first+i, err)
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs
}

// VolumeBSN is the i-th of a series of BSNs that pass the 11-proef, each starting with 7
// (none of the demo's own does).
func VolumeBSN(i int) string {
	for base := i * 10; ; base++ {
		d := fmt.Sprintf("7%07d", base%10_000_000)
		sum := 0
		for k, c := range d {
			sum += int(c-'0') * (9 - k)
		}
		// the ninth digit times -1 makes the weighted sum a multiple of 11
		if last := sum % 11; last < 10 {
			return d + fmt.Sprint(last)
		}
	}
}
