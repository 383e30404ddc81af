package service_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/procurement/service"
)

// A region that raises KAFKA_MAX_MESSAGE_BYTES gets topics that take such an event (and
// their dead-letter topics), and consumers that fetch it: the producer's limit, the topic's
// and the consumer's agree, so no event the service accepted is refused by the broker.
func TestTheTopicsTakeTheLargestEventTheServiceMayWrite(t *testing.T) {
	pf := kittest.NewPlatform(t)
	doc, _ := contracts.OpenAPI(service.Name)
	const limit = 3_000_000
	pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.Wire, OpenAPI: doc, OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"KAFKA_MAX_MESSAGE_BYTES": strconv.Itoa(limit)}})
	topic := pf.Topic(catalog.TopicProcurementSchemes)
	client := &kafka.Client{Addr: kafka.TCP(pf.Infra.Kafka), Transport: messaging.NewTransport()}
	for _, name := range []string{topic, messaging.DeadLetterTopic(topic)} {
		resp, err := client.DescribeConfigs(context.Background(), &kafka.DescribeConfigsRequest{
			Resources: []kafka.DescribeConfigRequestResource{{ResourceType: kafka.ResourceTypeTopic, ResourceName: name, ConfigNames: []string{"max.message.bytes"}}}})
		if err != nil {
			t.Fatal(err)
		}
		var got int
		for _, r := range resp.Resources {
			for _, e := range r.ConfigEntries {
				if e.ConfigName == "max.message.bytes" {
					got, _ = strconv.Atoi(e.ConfigValue)
				}
			}
		}
		if got < limit {
			t.Errorf("%s takes at most %d bytes, the service may write %d", name, got, limit)
		}
	}
	if messaging.FetchBytes(limit*5) < limit*5 {
		t.Error("a consumer fetches less than the largest event")
	}
}
