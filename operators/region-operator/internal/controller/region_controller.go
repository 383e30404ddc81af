// Package controller reconciles Regions into the Deployments, Services, ConfigMaps,
// PodDisruptionBudgets and Kafka topics of one werkregio platform instance.
package controller

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
)

// Finalizer guards the topics: on deletion they are removed only when the spec asks.
const Finalizer = "werkregio.nl/topics"

// Condition types.
const (
	ConditionReady       = "Ready"
	ConditionTopicsReady = "TopicsReady"
	ConditionDegraded    = "Degraded"
	// ConditionProgressing is True while a service rolls out a new version: it keeps
	// serving (Ready stays True) until the new pods are available.
	ConditionProgressing = "Progressing"
)

// AvailableCondition is the condition type of one service, e.g. ProcurementAvailable.
func AvailableCondition(service string) string {
	return string(service[0]-'a'+'A') + service[1:] + "Available"
}

// RegionReconciler reconciles a Region.
type RegionReconciler struct {
	client.Client
	Scheme   *runtime.Scheme
	Recorder events.EventRecorder
	Topics   Topics
	// Images maps a service to its default image (e.g. registry/werkregio/procurement:v1).
	Images func(service string) string
	// TopicRetry is how soon to try Kafka again after a failure.
	TopicRetry time.Duration
	// Uncached reads the API server directly: the Secrets a Region references, one at a
	// time (the operator holds no cache of the cluster's Secrets and may read only those a
	// region's namespace grants it; the platform chart's Role names them), and a child that
	// exists without the operator's label, so outside its cache. Nil: the client.
	Uncached client.Reader
	// Workers is how many Regions are reconciled at the same time (default 1).
	Workers int
	// TopicsRecheck is how long topics found as specified are trusted before Kafka is asked
	// again (drift of a topic is set back within it); a changed Region asks at once. A new
	// Region's Deployments becoming available one by one would otherwise ask Kafka about
	// its 24 topics five times. Zero: every reconcile asks.
	TopicsRecheck time.Duration

	checkedMu sync.Mutex
	checked   map[types.UID]topicsChecked
}

// topicsChecked is when a Region's topics were last found as its generation specifies.
type topicsChecked struct {
	generation int64
	at         time.Time
	count      int
}

// topicsFresh is the count of a Region's topics when they were checked for this generation
// within TopicsRecheck.
func (r *RegionReconciler) topicsFresh(region *v1.Region) (int, bool) {
	r.checkedMu.Lock()
	defer r.checkedMu.Unlock()
	c, ok := r.checked[region.UID]
	if !ok || r.TopicsRecheck == 0 || c.generation != region.Generation || time.Since(c.at) > r.TopicsRecheck {
		return 0, false
	}
	return c.count, true
}

func (r *RegionReconciler) topicsOK(region *v1.Region, n int, ok bool) {
	r.checkedMu.Lock()
	defer r.checkedMu.Unlock()
	if r.checked == nil {
		r.checked = map[types.UID]topicsChecked{}
	}
	if ok {
		r.checked[region.UID] = topicsChecked{generation: region.Generation, at: time.Now(), count: n}
	} else {
		delete(r.checked, region.UID)
	}
}

// CacheOptions keep the manager's informers to the operator's own children (by their
// managed-by label) and Regions: not every ConfigMap, Service and Deployment of the cluster.
func CacheOptions() cache.Options {
	own := cache.ByObject{Label: labelsSelector(map[string]string{managedByLabel: managedBy})}
	return cache.Options{ByObject: map[client.Object]cache.ByObject{
		&appsv1.Deployment{}: own, &corev1.Service{}: own, &corev1.ConfigMap{}: own, &policyv1.PodDisruptionBudget{}: own,
		&networkingv1.NetworkPolicy{}: own, &autoscalingv2.HorizontalPodAutoscaler{}: own,
	}}
}

func labelsSelector(m map[string]string) k8slabels.Selector { return k8slabels.SelectorFromSet(m) }

func (r *RegionReconciler) uncached() client.Reader {
	if r.Uncached != nil {
		return r.Uncached
	}
	return r.Client
}

// +kubebuilder:rbac:groups=werkregio.nl,resources=regions,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=werkregio.nl,resources=regions/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=werkregio.nl,resources=regions/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=services;configmaps,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=autoscaling,resources=horizontalpodautoscalers,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings the region's children and topics to the spec and reports what it sees.
// A conflict (someone changed an object between read and write) is not an error: the
// change triggers another reconcile, which starts from the newer state.
func (r *RegionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	res, err := r.reconcile(ctx, req)
	if apierrors.IsConflict(err) {
		return ctrl.Result{RequeueAfter: 50 * time.Millisecond}, nil
	}
	return res, err
}

func (r *RegionReconciler) reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := logf.FromContext(ctx)
	var region v1.Region
	if err := r.Get(ctx, req.NamespacedName, &region); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}

	if !region.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, &region)
	}
	if controllerutil.AddFinalizer(&region, Finalizer) {
		if err := r.Update(ctx, &region); err != nil {
			return ctrl.Result{}, err
		}
	}

	status := region.Status.DeepCopy()
	status.ObservedGeneration = region.Generation
	var problems []string
	status.Services = nil
	var created, rollingOut, stuck, starting []string
	defer func() {
		// one Event for what a reconcile created, not one per object: a new region makes
		// fifteen, and at hundreds of regions the Events were half of the operator's writes
		if len(created) > 0 {
			r.Recorder.Eventf(&region, nil, corev1.EventTypeNormal, "Created", "Create", "%s", eventNote(fmt.Sprintf("created %d objects: %s", len(created), strings.Join(created, ", "))))
		}
	}()
	served := map[string]string{} // the version each service served at the last reconcile
	for _, st := range region.Status.Services {
		served[st.Name] = st.Version
	}
	for _, name := range v1.ServiceNames {
		spec := region.Spec.Services.Service(name)
		if !spec.IsEnabled() {
			if err := r.removeService(ctx, &region, name); err != nil {
				return ctrl.Result{}, err
			}
			meta.RemoveStatusCondition(&status.Conditions, AvailableCondition(name))
			continue
		}
		dep, err := r.applyService(ctx, &region, name, &created)
		if err != nil {
			r.Recorder.Eventf(&region, nil, corev1.EventTypeWarning, "ApplyFailed", "Apply", "%s", eventNote(fmt.Sprintf("%s: %v", name, err)))
			return ctrl.Result{}, r.applyFailed(ctx, &region, name, err)
		}
		available, reason, msg := deploymentAvailable(dep)
		rollout := deploymentRollout(dep)
		st := v1.ServiceStatus{Name: name, Replicas: spec.ReplicaCount(), ReadyReplicas: dep.Status.ReadyReplicas, Available: available,
			UpToDate: rollout.upToDate, Version: versionOf(dep)}
		if !rollout.upToDate { // the older pods serve until the new ones are all up
			st.UpdatingTo, st.Version = st.Version, served[name]
		}
		status.Services = append(status.Services, st)
		setCondition(status, region.Generation, AvailableCondition(name), available, reason, msg)
		switch {
		case rollout.stalled:
			stuck = append(stuck, name+" rollout stalled")
		case !available && rollout.inProgress:
			starting = append(starting, name+" starting")
		case !available:
			problems = append(problems, name+" not available")
		}
		if !rollout.upToDate {
			rollingOut = append(rollingOut, name)
		}
	}
	if len(rollingOut) > 0 {
		setCondition(status, region.Generation, ConditionProgressing, true, "RollingOut", "rolling out: "+join(rollingOut))
	} else {
		setCondition(status, region.Generation, ConditionProgressing, false, "AllUpToDate", "every service runs its newest spec")
	}

	up := 0
	for _, s := range status.Services {
		if s.Available {
			up++
		}
	}
	status.Available = fmt.Sprintf("%d/%d", up, len(status.Services))
	result := ctrl.Result{}
	if r.TopicsRecheck > 0 {
		result.RequeueAfter = r.TopicsRecheck // a topic changed by hand is set back by then
	}
	n, fresh := r.topicsFresh(&region)
	var err error
	if !fresh {
		n, err = r.Topics.Ensure(ctx, r.kafkaTarget(ctx, &region))
		r.topicsOK(&region, n, err == nil)
	}
	status.Topics = int32(n)
	if err != nil {
		log.Error(err, "kafka topics")
		setCondition(status, region.Generation, ConditionTopicsReady, false, "KafkaUnavailable", err.Error())
		problems = append(problems, "topics: "+err.Error())
		result.RequeueAfter = r.TopicRetry
	} else {
		setCondition(status, region.Generation, ConditionTopicsReady, true, "TopicsExist", fmt.Sprintf("%d topics exist", n))
	}

	// Ready: every service serves and the topics exist. Degraded: something needs a person —
	// a service that served and stopped, a rollout that stalled, Kafka out of reach — not a
	// service still starting within its rollout's deadline (that is Progressing).
	switch {
	case len(problems) > 0:
		reason := "ServicesUnavailable"
		if err != nil {
			reason = "KafkaUnavailable"
		}
		all := append(append(problems, stuck...), starting...)
		setCondition(status, region.Generation, ConditionReady, false, reason, join(all))
		setCondition(status, region.Generation, ConditionDegraded, true, reason, join(append(problems, stuck...)))
	case len(starting) > 0:
		setCondition(status, region.Generation, ConditionReady, false, "ServicesStarting", join(append(starting, stuck...)))
		if len(stuck) > 0 {
			setCondition(status, region.Generation, ConditionDegraded, true, "RolloutStalled", join(stuck))
		} else {
			setCondition(status, region.Generation, ConditionDegraded, false, "ServicesStarting", "")
		}
	default:
		setCondition(status, region.Generation, ConditionReady, true, "AllAvailable", "every enabled service is available and the topics exist")
		if len(stuck) > 0 { // still serving, on the older version
			setCondition(status, region.Generation, ConditionDegraded, true, "RolloutStalled", join(stuck))
		} else {
			setCondition(status, region.Generation, ConditionDegraded, false, "AllAvailable", "")
		}
	}

	if !equality.Semantic.DeepEqual(status, &region.Status) {
		wasReady := meta.IsStatusConditionTrue(region.Status.Conditions, ConditionReady)
		region.Status = *status
		if err := r.Status().Update(ctx, &region); err != nil {
			return ctrl.Result{}, err
		}
		if isReady := meta.IsStatusConditionTrue(status.Conditions, ConditionReady); isReady != wasReady {
			if isReady {
				r.Recorder.Eventf(&region, nil, corev1.EventTypeNormal, "Ready", "Reconcile", "region %s is ready", region.Spec.Code)
			} else {
				r.Recorder.Eventf(&region, nil, corev1.EventTypeWarning, "NotReady", "Reconcile", "%s", eventNote(meta.FindStatusCondition(status.Conditions, ConditionReady).Message))
			}
		}
	}
	return result, nil
}

// eventNote fits a note in the 1,024 characters an Event may have (the API server refuses a
// longer one, and the Event is lost).
func eventNote(s string) string {
	if len(s) <= 1024 {
		return s
	}
	return s[:1020] + " …"
}

func join(ps []string) string {
	out := ""
	for i, p := range ps {
		if i > 0 {
			out += "; "
		}
		out += p
	}
	return out
}

// setCondition sets a condition; meta.SetStatusCondition keeps the transition time when
// the status does not change, so an idle reconcile produces an equal status.
func setCondition(s *v1.RegionStatus, generation int64, typ string, ok bool, reason, msg string) {
	st := metav1.ConditionFalse
	if ok {
		st = metav1.ConditionTrue
	}
	meta.SetStatusCondition(&s.Conditions, metav1.Condition{Type: typ, Status: st, Reason: reason, Message: msg, ObservedGeneration: generation})
}

// deploymentAvailable is whether the service serves: the Deployment is Available (its
// minimum of replicas is up, on any version: during a rollout the older pods serve until
// the new ones are available).
func deploymentAvailable(d *appsv1.Deployment) (bool, string, string) {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue && d.Status.AvailableReplicas > 0 {
			return true, "DeploymentAvailable", fmt.Sprintf("%d/%d replicas available", d.Status.AvailableReplicas, want)
		}
	}
	return false, "DeploymentUnavailable", fmt.Sprintf("%d/%d replicas available", d.Status.AvailableReplicas, want)
}

// rollout is where a Deployment's rollout stands.
type rollout struct {
	upToDate   bool // every replica runs the newest spec and is available
	inProgress bool // the Deployment is still bringing up its newest spec, within its deadline
	stalled    bool // it gave up waiting for new pods (progressDeadlineSeconds)
}

// deploymentRollout reads a Deployment's rollout: up to date, in progress (a new spec not yet
// observed, new replicas not yet all there, older pods still running, or Progressing with
// any reason but "the new ReplicaSet is available"), or stalled.
func deploymentRollout(d *appsv1.Deployment) rollout {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	var r rollout
	progressing := false
	for _, c := range d.Status.Conditions {
		if c.Type != appsv1.DeploymentProgressing {
			continue
		}
		if c.Status == corev1.ConditionFalse && c.Reason == "ProgressDeadlineExceeded" {
			r.stalled = true
		}
		progressing = c.Status == corev1.ConditionTrue && c.Reason != "NewReplicaSetAvailable"
	}
	observed := d.Status.ObservedGeneration >= d.Generation
	r.upToDate = observed && d.Status.UpdatedReplicas >= want && d.Status.AvailableReplicas >= want && d.Status.Replicas == d.Status.UpdatedReplicas
	r.inProgress = !r.stalled && (!observed || progressing || d.Status.UpdatedReplicas < want || d.Status.Replicas > d.Status.UpdatedReplicas)
	return r
}

// applyFailed reports a child the API server refused as the Region's condition (Ready False,
// Degraded True, reason ApplyFailed, with the server's message), so the Region says why it is
// not provisioned, and returns err for the retry with backoff.
func (r *RegionReconciler) applyFailed(ctx context.Context, region *v1.Region, service string, err error) error {
	status := region.Status.DeepCopy()
	status.ObservedGeneration = region.Generation
	msg := fmt.Sprintf("%s: %v", service, err)
	setCondition(status, region.Generation, ConditionReady, false, "ApplyFailed", msg)
	setCondition(status, region.Generation, ConditionDegraded, true, "ApplyFailed", msg)
	if !equality.Semantic.DeepEqual(status, &region.Status) {
		region.Status = *status
		if uerr := r.Status().Update(ctx, region); uerr != nil {
			return errors.Join(err, uerr)
		}
	}
	return err
}

func (r *RegionReconciler) kafkaTarget(ctx context.Context, region *v1.Region) KafkaTarget {
	k := KafkaTarget{Brokers: region.Spec.Kafka.BootstrapServers, Prefix: TopicPrefix(region),
		Partitions: int(orDefault(region.Spec.Kafka.Partitions, 3)), ReplicationFactor: int(orDefault(region.Spec.Kafka.ReplicationFactor, 1)),
		Mechanism: region.Spec.Kafka.SASLMechanism}
	secret := func(name string) map[string][]byte {
		var s corev1.Secret
		if err := r.uncached().Get(ctx, client.ObjectKey{Namespace: region.Namespace, Name: name}, &s); err != nil {
			return nil
		}
		return s.Data
	}
	if ref := region.Spec.Kafka.CredentialsSecretRef; ref != nil {
		d := secret(ref.Name)
		k.Username, k.Password = string(d["username"]), string(d["password"])
	}
	if t := region.Spec.Kafka.TLS; t != nil {
		k.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		if ref := t.CASecretRef; ref != nil {
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(secret(ref.Name)["ca.crt"])
			k.TLS.RootCAs = pool
		}
		if ref := t.ClientCertSecretRef; ref != nil {
			d := secret(ref.Name)
			if cert, err := tls.X509KeyPair(d["tls.crt"], d["tls.key"]); err == nil {
				k.TLS.Certificates = []tls.Certificate{cert}
			}
		}
	}
	return k
}

func (r *RegionReconciler) finalize(ctx context.Context, region *v1.Region) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(region, Finalizer) {
		return ctrl.Result{}, nil
	}
	if region.Spec.Kafka.DeleteTopicsOnDelete {
		if err := r.Topics.Delete(ctx, r.kafkaTarget(ctx, region)); err != nil {
			r.Recorder.Eventf(region, nil, corev1.EventTypeWarning, "TopicDeletionFailed", "Delete", "%s", eventNote(err.Error()))
			return ctrl.Result{RequeueAfter: r.TopicRetry}, nil
		}
		r.Recorder.Eventf(region, nil, corev1.EventTypeNormal, "TopicsDeleted", "Delete", "deleted the topics with prefix %s", TopicPrefix(region))
	}
	controllerutil.RemoveFinalizer(region, Finalizer)
	return ctrl.Result{}, r.Update(ctx, region)
}

// applyService creates or corrects the service's ConfigMap, Deployment, Service and PDB.
func (r *RegionReconciler) applyService(ctx context.Context, region *v1.Region, name string, created *[]string) (*appsv1.Deployment, error) {
	spec := region.Spec.Services.Service(name)
	image := spec.Image
	if image == "" {
		image = r.Images(name)
	}
	cm := configMap(region, name)
	if _, err := apply(ctx, r, region, created, cm, func(have *corev1.ConfigMap) bool {
		same := equality.Semantic.DeepEqual(have.Data, cm.Data) && labelsContain(have.Labels, cm.Labels)
		have.Data, have.Labels = cm.Data, merge(have.Labels, cm.Labels)
		return !same
	}); err != nil {
		return nil, err
	}
	dep := deployment(region, name, image, cm)
	autoscaled := spec.Autoscaling != nil
	live, err := apply(ctx, r, region, created, dep, func(have *appsv1.Deployment) bool {
		if autoscaled { // the HorizontalPodAutoscaler owns the replica count
			dep.Spec.Replicas = have.Spec.Replicas
		}
		same := equality.Semantic.DeepDerivative(dep.Spec, have.Spec) && labelsContain(have.Labels, dep.Labels)
		have.Spec, have.Labels = dep.Spec, merge(have.Labels, dep.Labels)
		return !same
	})
	if err != nil {
		return nil, err
	}
	svc := service(region, name)
	if _, err := apply(ctx, r, region, created, svc, func(have *corev1.Service) bool {
		same := equality.Semantic.DeepDerivative(svc.Spec, have.Spec) && labelsContain(have.Labels, svc.Labels)
		// Keep what the API server assigned (cluster IPs).
		svc.Spec.ClusterIP, svc.Spec.ClusterIPs, svc.Spec.IPFamilies = have.Spec.ClusterIP, have.Spec.ClusterIPs, have.Spec.IPFamilies
		have.Spec, have.Labels = svc.Spec, merge(have.Labels, svc.Labels)
		return !same
	}); err != nil {
		return nil, err
	}
	if region.Spec.NetworkPolicy != nil {
		np := networkPolicy(region, name)
		if _, err := apply(ctx, r, region, created, np, func(have *networkingv1.NetworkPolicy) bool {
			same := equality.Semantic.DeepDerivative(np.Spec, have.Spec) && labelsContain(have.Labels, np.Labels)
			have.Spec, have.Labels = np.Spec, merge(have.Labels, np.Labels)
			return !same
		}); err != nil {
			return nil, err
		}
	} else if err := r.remove(ctx, region, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: childName(region, name), Namespace: region.Namespace}}); err != nil {
		return nil, err
	}
	if autoscaled {
		scaler := hpa(region, name)
		if _, err := apply(ctx, r, region, created, scaler, func(have *autoscalingv2.HorizontalPodAutoscaler) bool {
			same := equality.Semantic.DeepDerivative(scaler.Spec, have.Spec) && labelsContain(have.Labels, scaler.Labels)
			have.Spec, have.Labels = scaler.Spec, merge(have.Labels, scaler.Labels)
			return !same
		}); err != nil {
			return nil, err
		}
	} else if err := r.remove(ctx, region, &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: childName(region, name), Namespace: region.Namespace}}); err != nil {
		return nil, err
	}
	if spec.ReplicaCount() > 1 || autoscaled {
		budget := pdb(region, name)
		if _, err := apply(ctx, r, region, created, budget, func(have *policyv1.PodDisruptionBudget) bool {
			same := equality.Semantic.DeepDerivative(budget.Spec, have.Spec)
			have.Spec = budget.Spec
			return !same
		}); err != nil {
			return nil, err
		}
	} else if err := r.remove(ctx, region, &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: childName(region, name), Namespace: region.Namespace}}); err != nil {
		return nil, err
	}
	return live, nil
}

func labelsContain(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func merge(have, want map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range have {
		out[k] = v
	}
	for k, v := range want {
		out[k] = v
	}
	return out
}

// apply creates obj owned by the region, or corrects the existing object with fix, which
// reports whether anything differed: an object already as desired is not written. It
// returns the live object (with its status).
func apply[T client.Object](ctx context.Context, r *RegionReconciler, region *v1.Region, created *[]string, obj T, fix func(have T) bool) (T, error) {
	have := obj.DeepCopyObject().(T)
	err := r.Get(ctx, client.ObjectKeyFromObject(obj), have)
	if apierrors.IsNotFound(err) {
		if err := controllerutil.SetControllerReference(region, obj, r.Scheme); err != nil {
			return obj, err
		}
		err = r.Create(ctx, obj)
		if err == nil {
			*created = append(*created, kindOf(obj)+" "+obj.GetName())
			return obj, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return obj, err
		}
		// there, but not in the cache: made by someone else, without our label; adopt it below
		err = r.uncached().Get(ctx, client.ObjectKeyFromObject(obj), have)
	}
	if err != nil {
		return have, err
	}
	ownerChanged := false
	if !metav1.IsControlledBy(have, region) {
		if err := controllerutil.SetControllerReference(region, have, r.Scheme); err != nil {
			return have, fmt.Errorf("%s is owned by something else: %w", obj.GetName(), err)
		}
		ownerChanged = true
	}
	if !fix(have) && !ownerChanged {
		return have, nil
	}
	if err := r.Update(ctx, have); err != nil {
		return have, err
	}
	r.Recorder.Eventf(region, have, corev1.EventTypeNormal, "Updated", "Update", "brought %s %s back to the spec", kindOf(obj), obj.GetName())
	return have, nil
}

func kindOf(obj client.Object) string {
	switch obj.(type) {
	case *corev1.ConfigMap:
		return "ConfigMap"
	case *appsv1.Deployment:
		return "Deployment"
	case *corev1.Service:
		return "Service"
	case *policyv1.PodDisruptionBudget:
		return "PodDisruptionBudget"
	case *networkingv1.NetworkPolicy:
		return "NetworkPolicy"
	case *autoscalingv2.HorizontalPodAutoscaler:
		return "HorizontalPodAutoscaler"
	}
	return "object"
}

// removeService deletes the children of a disabled service.
func (r *RegionReconciler) removeService(ctx context.Context, region *v1.Region, name string) error {
	om := metav1.ObjectMeta{Name: childName(region, name), Namespace: region.Namespace}
	for _, obj := range []client.Object{&appsv1.Deployment{ObjectMeta: om}, &corev1.Service{ObjectMeta: om},
		&corev1.ConfigMap{ObjectMeta: om}, &policyv1.PodDisruptionBudget{ObjectMeta: om}, &networkingv1.NetworkPolicy{ObjectMeta: om}, &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: om}} {
		if err := r.remove(ctx, region, obj); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes a child the region owns; absent is fine, and something not ours is left.
func (r *RegionReconciler) remove(ctx context.Context, region *v1.Region, obj client.Object) error {
	if err := r.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		return client.IgnoreNotFound(err)
	}
	if !metav1.IsControlledBy(obj, region) {
		return nil
	}
	if err := r.Delete(ctx, obj); err != nil {
		return client.IgnoreNotFound(err)
	}
	r.Recorder.Eventf(region, obj, corev1.EventTypeNormal, "Deleted", "Delete", "deleted %s %s", kindOf(obj), obj.GetName())
	return nil
}

// SetupWithManager watches Regions and the children they own: a change to a child (drift)
// or its status (availability) reconciles the Region.
func (r *RegionReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1.Region{}).
		Owns(&appsv1.Deployment{}).
		Owns(&corev1.Service{}).
		Owns(&corev1.ConfigMap{}).
		Owns(&policyv1.PodDisruptionBudget{}).
		Owns(&networkingv1.NetworkPolicy{}).
		Owns(&autoscalingv2.HorizontalPodAutoscaler{}).
		Named("region").
		WithOptions(controller.Options{MaxConcurrentReconciles: max(r.Workers, 1)}).
		Complete(r)
}

// versionOf is the tag or digest of the image a service's Deployment runs.
func versionOf(d *appsv1.Deployment) string {
	if len(d.Spec.Template.Spec.Containers) == 0 {
		return ""
	}
	image := d.Spec.Template.Spec.Containers[0].Image
	if i := strings.LastIndex(image, "@"); i >= 0 {
		return image[i+1:]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return "latest"
}
