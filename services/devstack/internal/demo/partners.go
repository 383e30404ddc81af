package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/messaging"
)

// partnerPlacement is UWV confirming a job as its system does: a CloudEvent in binary mode
// on the region's partner topic, keyed by enrolment. It waits until participants placed
// the enrolment.
func (t Target) partnerPlacement(ctx context.Context, enrolment, employer, start, contract string) error {
	data, err := json.Marshal(obj{"enrolmentId": enrolment, "employerKvk": employer, "startDate": start, "hoursPerWeek": 36,
		"contractType": contract, "confirmedBy": "uwv", "reportId": "uwv-polis-" + enrolment})
	if err != nil {
		return err
	}
	topic := t.Region + "." + catalog.TopicPartnersPlacements
	w := &kafka.Writer{Addr: kafka.TCP(t.Kafka), Topic: topic, Balancer: &kafka.Hash{},
		RequiredAcks: kafka.RequireAll, Transport: messaging.NewTransport()}
	defer func() { _ = w.Close() }()
	msg := kafka.Message{Key: []byte(enrolment), Value: data, Headers: []kafka.Header{
		{Key: messaging.HeaderSpecVersion, Value: []byte(messaging.SpecVersion)},
		{Key: messaging.HeaderID, Value: []byte("uwv-polis-" + enrolment)},
		{Key: messaging.HeaderSource, Value: []byte("/uwv/polisadministratie")},
		{Key: messaging.HeaderType, Value: []byte(catalog.TypePlacementConfirmed)},
		{Key: messaging.HeaderTime, Value: []byte(time.Now().UTC().Format(time.RFC3339Nano))},
		{Key: messaging.HeaderContentType, Value: []byte(messaging.JSON)},
	}}
	// UWV signs what it sends with its registered key (ce_signature over the topic, the
	// event's attributes and its data)
	key, err := partnerSigner("/uwv/polisadministratie")
	if err != nil {
		return err
	}
	msg.Topic = topic
	if err := messaging.Sign(&msg, key); err != nil {
		return err
	}
	msg.Topic = ""
	if err := w.WriteMessages(ctx, msg); err != nil {
		return fmt.Errorf("UWV's placement on Kafka: %w", err)
	}
	coach, err := t.at("participants", auth.RoleWorkCoach, BuyerOrg)
	if err != nil {
		return err
	}
	return poll(ctx, "the placement UWV reported on Kafka", func() (bool, error) {
		var e struct{ Status string }
		_, err := coach.send(ctx, http.MethodGet, "/api/v1/enrolments/"+enrolment, nil, nil, &e)
		return err == nil && e.Status == "placed", err
	})
}
