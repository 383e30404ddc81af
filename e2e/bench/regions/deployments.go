package main

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
)

// startDeploymentController plays the nodes (as kwok would) and the deployment controller,
// which envtest does not run: every Deployment it sees is reported rolled out, with all its
// replicas available, at once. What is measured is the operator, not how fast pods start.
// It returns its informers' cache, which also watches the Regions: the harness counts the
// Ready ones there (listing hundreds of Regions from the API server ten times a second
// would load the very server whose time is measured).
func startDeploymentController(ctx context.Context, cfg *rest.Config, cl client.Client) (client.Reader, error) {
	informers, err := cache.New(cfg, cache.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	if _, err := informers.GetInformer(ctx, &v1.Region{}); err != nil {
		return nil, err
	}
	inf, err := informers.GetInformer(ctx, &appsv1.Deployment{})
	if err != nil {
		return nil, err
	}
	queue := workqueue.NewTyped[client.ObjectKey]()
	enqueue := func(obj any) {
		if d, ok := obj.(*appsv1.Deployment); ok && !rolledOut(d) {
			queue.Add(client.ObjectKeyFromObject(d))
		}
	}
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		return nil, err
	}
	go func() { _ = informers.Start(ctx) }()
	if !informers.WaitForCacheSync(ctx) {
		return nil, ctx.Err()
	}
	go func() { <-ctx.Done(); queue.ShutDown() }()
	for range 8 {
		go func() {
			for {
				key, quit := queue.Get()
				if quit {
					return
				}
				var d appsv1.Deployment
				if err := informers.Get(ctx, key, &d); err == nil && !rolledOut(&d) {
					markAvailable(&d)
					if err := cl.Status().Update(ctx, &d); err != nil && ctx.Err() == nil {
						queue.Add(key) // a newer version came in between: again, from the cache
					}
				}
				queue.Done(key)
			}
		}()
	}
	return informers, nil
}

func rolledOut(d *appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	return d.Status.ObservedGeneration >= d.Generation && d.Status.AvailableReplicas == want && d.Status.UpdatedReplicas == want
}

func markAvailable(d *appsv1.Deployment) {
	n := int32(1)
	if d.Spec.Replicas != nil {
		n = *d.Spec.Replicas
	}
	now := metav1.Now()
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n, ReadyReplicas: n, AvailableReplicas: n,
		Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable", LastUpdateTime: now, LastTransitionTime: now}}}
}
