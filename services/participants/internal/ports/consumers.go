package ports

import (
	"context"
	"fmt"
	"sync"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Offers keeps the replica of the providers' offers.
func Offers(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "participants.offers",
		Topics:  []string{catalog.TopicProvidersOffers},
		Types:   []string{catalog.TypeOfferChanged},
		Handler: messaging.PerMessage(func(ctx context.Context, m messaging.Message) error {
			e, err := messaging.Decode[events.OfferChanged](m, a.Region())
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.KeepOffer(ctx, offer(e)))
		}),
	}
}

// Attendance counts partner systems' attendance reports, a batch at a time: valid reports
// are stored together, rejected ones go to the dead-letter topic with their reason.
func Attendance(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "participants.attendance",
		Topics:  []string{catalog.TopicPartnersAttendance},
		Types:   []string{catalog.TypeAttendanceReported},
		Handler: func(ctx context.Context, batch []messaging.Message) error {
			reports := make([]domain.AttendanceReport, 0, len(batch))
			origins := make([]app.Origin, 0, len(batch))
			index := make([]int, 0, len(batch))
			rej := messaging.Rejections{}
			for i, m := range batch {
				r, err := messaging.Decode[events.AttendanceReported](m, "") // a partner's report names no region: its enrolment does
				if err != nil {
					rej[i] = err
					continue
				}
				reports = append(reports, attendance(r))
				origins = append(origins, originOf(m))
				index = append(index, i)
			}
			refused, err := a.RecordAttendance(ctx, reports, origins)
			if err != nil {
				return err
			}
			for j, e := range refused {
				rej[index[j]] = e
			}
			if len(rej) > 0 {
				return rej
			}
			return nil
		},
	}
}

// Placements records jobs reported by employers and UWV.
func Placements(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "participants.placements",
		Topics:  []string{catalog.TopicPartnersPlacements},
		Types:   []string{catalog.TypePlacementConfirmed},
		Handler: messaging.PerMessage(func(ctx context.Context, m messaging.Message) error {
			e, err := messaging.Decode[events.PlacementConfirmed](m, "") // named by its enrolment's region
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.ConfirmPlacement(ctx, placement(e), originOf(m)))
		}),
	}
}

// originOf is the sender a partner message names, and the check of its signature against
// the keys registered for that sender (ce_signature, see the AsyncAPI document).
func originOf(m messaging.Message) app.Origin {
	return app.Origin{Source: m.Source, Proven: func(keys []byte) error {
		set, err := registeredKeys(keys)
		if err != nil {
			return fmt.Errorf("%w: the sender's registered keys do not read: %w", messaging.ErrOriginNotProven, err)
		}
		_, err = messaging.VerifyOrigin(messaging.MessageOf(m), set)
		return err
	}}
}

// parsedKeys holds each registration's keys as read once: a partner system's messages
// come by the thousand, its keys change when it rotates them.
var parsedKeys sync.Map // the registered JWK Set's JSON -> *messaging.Keys

func registeredKeys(raw []byte) (*messaging.Keys, error) {
	if k, ok := parsedKeys.Load(string(raw)); ok {
		return k.(*messaging.Keys), nil
	}
	k, err := messaging.ParsePublicKeys(raw)
	if err == nil {
		parsedKeys.Store(string(raw), k)
	}
	return k, err
}
