package controller_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/operators/region-operator/internal/controller"
)

// The 35 Dutch labour-market regions (arbeidsmarktregio's).
var dutchRegions = []string{
	"Groningen", "Friesland", "Drenthe", "Noord-Holland Noord", "Zaanstreek Waterland", "Zuid-Kennemerland en IJmond",
	"Groot Amsterdam", "Gooi en Vechtstreek", "Flevoland", "Regio Zwolle", "Twente", "Stedendriehoek en Noordwest Veluwe",
	"Achterhoek", "Midden-Gelderland", "Food Valley", "Rijk van Nijmegen", "Rivierenland", "Amersfoort", "Midden-Utrecht",
	"Holland Rijnland", "Haaglanden", "Midden-Holland", "Zuid-Holland Centraal", "Rijnmond", "Drechtsteden", "Gorinchem",
	"Zeeland", "West-Brabant", "Midden-Brabant", "Noordoost-Brabant", "Helmond-De Peel", "Zuidoost-Brabant", "Noord-Limburg",
	"Midden-Limburg", "Zuid-Limburg",
}

func slug(name string) string {
	return strings.NewReplacer(" ", "-", "'", "").Replace(strings.ToLower(name))
}

// BenchmarkThirtyFiveRegionsReachReady creates a Region for every Dutch labour-market
// region, plays the deployment controller for their 175 Deployments, and measures the time
// until all are Ready and the API writes of an idle reconcile of all of them.
// Run: go test ./operators/region-operator/internal/controller -run '^$' -bench ThirtyFive -benchtime 1x
func BenchmarkThirtyFiveRegionsReachReady(b *testing.B) {
	for range b.N {
		ns := namespace(b)
		start := time.Now()
		var regions []*v1.Region
		for _, name := range dutchRegions {
			r := region(b, ns, slug(name))
			r.Spec.Code, r.Spec.DisplayName = slug(name), "Arbeidsmarktregio "+name
			if err := k8s.Create(ctx, r); err != nil {
				b.Fatal(err)
			}
			regions = append(regions, r)
		}
		for _, r := range regions {
			for _, svc := range v1.ServiceNames {
				d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: r.Name + "-" + svc}}
				eventually(b, "deployment "+d.Name, func() bool { _, ok := get(b, ns, d.Name, &appsv1.Deployment{}); return ok })
				makeAvailable(b, d, true)
			}
		}
		childrenAt := time.Since(start)
		for _, r := range regions {
			eventually(b, r.Name+" ready", func() bool {
				var cur v1.Region
				if err := k8s.Get(ctx, client.ObjectKeyFromObject(r), &cur); err != nil {
					return false
				}
				for _, c := range cur.Status.Conditions {
					if c.Type == controller.ConditionReady {
						return c.Status == metav1.ConditionTrue
					}
				}
				return false
			})
		}
		readyAt := time.Since(start)
		c, writes := countingClient(b)
		rec := newReconciler(c, mgrForTests)
		for _, r := range regions {
			if _, err := rec.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(r)}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(readyAt.Seconds(), "s-to-all-ready")
		b.ReportMetric(childrenAt.Seconds(), "s-to-all-children")
		b.ReportMetric(float64(writes.Load())/float64(len(regions)), "writes/idle-reconcile")
		fmt.Printf("35 regions: children and availability in %s, all Ready in %s, %d API writes in 35 idle reconciles\n",
			childrenAt.Round(time.Millisecond), readyAt.Round(time.Millisecond), writes.Load())
	}
}
