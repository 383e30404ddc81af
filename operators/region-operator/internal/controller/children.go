package controller

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
)

// Graceful shutdown: before the pod is told to stop, it waits drainSeconds (new requests
// still arrive until every node has removed it from the Service's endpoints); then the
// service stops taking requests, finishes those in flight and its consumers' batch, commits
// their offsets and flushes the relay and its spans (SHUTDOWN_TIMEOUT, 20 s); the grace
// period covers both with room to spare.
const (
	drainSeconds            = 5
	terminationGraceSeconds = 40
)

const (
	httpPort = 8080
	// opsPort is the internal listener: /healthz, /readyz, /metrics for the kubelet and the
	// metrics scraper; no ingress routes to it.
	opsPort            = 9090
	jwksMountPath      = "/etc/werkregio/auth"
	eventKeysMountPath = "/etc/werkregio/event-keys"
	configHashLabel    = "werkregio.nl/config-hash"
	managedByLabel     = "app.kubernetes.io/managed-by"
	managedBy          = "werkregio-region-operator"
)

// childName names a service's children: <region>-<service>.
func childName(r *v1.Region, service string) string { return r.Name + "-" + service }

func labels(r *v1.Region, service string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":     service,
		"app.kubernetes.io/instance": childName(r, service),
		"app.kubernetes.io/part-of":  "werkregio",
		managedByLabel:               managedBy,
		"werkregio.nl/region":        r.Spec.Code,
	}
}

func selector(r *v1.Region, service string) map[string]string {
	return map[string]string{"app.kubernetes.io/name": service, "app.kubernetes.io/instance": childName(r, service)}
}

// TopicPrefix is the region's topic prefix: as configured, or "<code>.".
func TopicPrefix(r *v1.Region) string {
	if r.Spec.Kafka.TopicPrefix != "" {
		return r.Spec.Kafka.TopicPrefix
	}
	return r.Spec.Code + "."
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// tagOf is an image reference's tag ("" for a digest or none).
func tagOf(image string) string {
	if strings.Contains(image, "@") {
		return ""
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return ""
}

// spread keeps a service's replicas on different zones and nodes where the cluster has them
// (ScheduleAnyway: a one-node cluster still runs them all), so a zone or node lost takes one.
func spread(sel map[string]string) []corev1.TopologySpreadConstraint {
	var out []corev1.TopologySpreadConstraint
	for _, key := range []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"} {
		out = append(out, corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: key, WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector: &metav1.LabelSelector{MatchLabels: sel}})
	}
	return out
}

// durationOr is a duration as the services read it (Go's notation), or def when unset.
func durationOr(d *metav1.Duration, def time.Duration) string {
	if d == nil || d.Duration == 0 {
		return def.String()
	}
	return d.Duration.String()
}

// configMap holds the service's settings (everything but secrets).
func configMap(r *v1.Region, service string) *corev1.ConfigMap {
	svc := r.Spec.Services.Service(service)
	data := map[string]string{
		"REGION":                   r.Spec.Code,
		"HTTP_ADDR":                ":" + strconv.Itoa(httpPort),
		"OPS_ADDR":                 ":" + strconv.Itoa(opsPort),
		"KAFKA_BROKERS":            strings.Join(r.Spec.Kafka.BootstrapServers, ","),
		"KAFKA_TOPIC_PREFIX":       TopicPrefix(r),
		"KAFKA_TOPIC_PARTITIONS":   strconv.Itoa(int(orDefault(r.Spec.Kafka.Partitions, 3))),
		"KAFKA_REPLICATION_FACTOR": strconv.Itoa(int(orDefault(r.Spec.Kafka.ReplicationFactor, 1))),
		"MONGO_DATABASE":           orDefault(svc.Database, fmt.Sprintf("werkregio-%s-%s", r.Spec.Code, service)),
		"AUTH_ISSUER":              r.Spec.Auth.Issuer,
		"AUTH_AUDIENCE":            orDefault(r.Spec.Auth.Audience, "werkregio"),
		"LOG_LEVEL":                orDefault(r.Spec.LogLevel, "info"),
		// how the service rides out its store and broker failing (docs/operations.md)
		"REQUEST_TIMEOUT":                durationOr(r.Spec.RequestTimeout, 10*time.Second),
		"MONGO_WRITE_CONCERN":            orDefault(r.Spec.MongoDB.WriteConcern, "majority"),
		"MONGO_OPERATION_TIMEOUT":        durationOr(r.Spec.MongoDB.OperationTimeout, 30*time.Second),
		"MONGO_SERVER_SELECTION_TIMEOUT": durationOr(r.Spec.MongoDB.ServerSelectionTimeout, 5*time.Second),
		"KAFKA_WRITE_TIMEOUT":            durationOr(r.Spec.Kafka.Producer.WriteTimeout, 5*time.Second),
		"KAFKA_WRITE_ATTEMPTS":           strconv.Itoa(int(orDefault(r.Spec.Kafka.Producer.WriteAttempts, 3))),
		"KAFKA_SESSION_TIMEOUT":          durationOr(r.Spec.Kafka.Consumer.SessionTimeout, 30*time.Second),
		"KAFKA_REBALANCE_TIMEOUT":        durationOr(r.Spec.Kafka.Consumer.RebalanceTimeout, 30*time.Second),
		"KAFKA_HEARTBEAT_INTERVAL":       durationOr(r.Spec.Kafka.Consumer.HeartbeatInterval, 3*time.Second),
	}
	if r.Spec.Auth.JWKSURL != "" {
		data["AUTH_JWKS_URL"] = r.Spec.Auth.JWKSURL
	} else {
		data["AUTH_JWKS_FILE"] = jwksMountPath + "/jwks.json"
	}
	if r.Spec.Telemetry.OTLPEndpoint != "" {
		data["OTEL_EXPORTER_OTLP_ENDPOINT"] = r.Spec.Telemetry.OTLPEndpoint
	}
	percent := int32(100)
	if r.Spec.Telemetry.SamplingPercent != nil {
		percent = *r.Spec.Telemetry.SamplingPercent
	}
	data["OTEL_TRACES_SAMPLER_RATIO"] = strconv.FormatFloat(float64(percent)/100, 'f', -1, 64)
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: childName(r, service), Namespace: r.Namespace, Labels: labels(r, service)},
		Data:       data,
	}
}

// hashOf fingerprints the settings, so a changed ConfigMap rolls the pods.
func hashOf(data map[string]string) string {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\n", k, data[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}

// deployment runs the service: probes on /healthz and /readyz of its internal listener, a
// locked-down container,
// settings from its ConfigMap and secrets by reference only.
func deployment(r *v1.Region, service, image string, cm *corev1.ConfigMap) *appsv1.Deployment {
	svc := r.Spec.Services.Service(service)
	replicas := svc.ReplicaCount()
	env := []corev1.EnvVar{secretEnv("MONGO_URI", r.Spec.MongoDB.URISecretRef.Name, r.Spec.MongoDB.URISecretRef.Key)}
	if user := r.Spec.Code + "-" + service; r.Spec.Kafka.ServiceUsers {
		env = append(env, corev1.EnvVar{Name: "KAFKA_SASL_USERNAME", Value: user}, secretEnv("KAFKA_SASL_PASSWORD", user, "password"),
			corev1.EnvVar{Name: "KAFKA_SASL_MECHANISM", Value: "scram-sha-512"})
	} else if ref := r.Spec.Kafka.CredentialsSecretRef; ref != nil {
		env = append(env, secretEnv("KAFKA_SASL_USERNAME", ref.Name, "username"), secretEnv("KAFKA_SASL_PASSWORD", ref.Name, "password"))
		if m := r.Spec.Kafka.SASLMechanism; m != "" {
			env = append(env, corev1.EnvVar{Name: "KAFKA_SASL_MECHANISM", Value: m})
		}
	}
	kafkaVolumes, kafkaMounts, kafkaEnv := kafkaTLS(r.Spec.Kafka.TLS)
	env = append(env, kafkaEnv...)
	mongoVolumes, mongoMounts, mongoEnv := mongodbTLS(r.Spec.MongoDB.TLS)
	env = append(env, mongoEnv...)
	if ref := r.Spec.Telemetry.HeadersSecretRef; ref != nil {
		env = append(env, secretEnv("OTEL_EXPORTER_OTLP_HEADERS", ref.Name, ref.Key))
	}
	if service == v1.Participants && r.Spec.BSNKeysSecretRef != nil {
		env = append(env, secretEnv("BSN_ENCRYPTION_KEY", r.Spec.BSNKeysSecretRef.Name, "encryptionKey"),
			secretEnv("BSN_LOOKUP_KEY", r.Spec.BSNKeysSecretRef.Name, "lookupKey"))
	}
	var volumes []corev1.Volume
	var mounts []corev1.VolumeMount
	if k := r.Spec.EventKeys; k != nil {
		env = append(env, secretEnv("EVENT_SIGNING_KEY", k.SecretRef.Name, service),
			corev1.EnvVar{Name: "EVENT_KEYS_FILE", Value: eventKeysMountPath + "/keys.json"})
		volumes = append(volumes, corev1.Volume{Name: "event-keys", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: k.PublicKeysConfigMapRef}}})
		mounts = append(mounts, corev1.VolumeMount{Name: "event-keys", MountPath: eventKeysMountPath, ReadOnly: true})
	}
	env = append(env, svc.Env...)
	if ref := r.Spec.Auth.KeysConfigMapRef; ref != nil {
		volumes = append(volumes, corev1.Volume{Name: "auth-keys", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: *ref}}})
		mounts = append(mounts, corev1.VolumeMount{Name: "auth-keys", MountPath: jwksMountPath, ReadOnly: true})
	}
	volumes = append(append(volumes, kafkaVolumes...), mongoVolumes...)
	mounts = append(append(mounts, kafkaMounts...), mongoMounts...)
	volumes = append(volumes, corev1.Volume{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	mounts = append(mounts, corev1.VolumeMount{Name: "tmp", MountPath: "/tmp"})

	podLabels := labels(r, service)
	// the version the pods run, where the image names it by a tag (a digest is no label value)
	if v := tagOf(image); v != "" && len(validation.IsValidLabelValue(v)) == 0 {
		podLabels["app.kubernetes.io/version"] = v
	}
	// Every integer is set: DeepDerivative compares integers exactly, so a field left zero
	// and defaulted by the API server would look like drift on every reconcile.
	probe := func(path string, delay int32) *corev1.Probe {
		return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("ops")}},
			InitialDelaySeconds: delay, PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3, SuccessThreshold: 1}
	}
	f, t := false, true
	uid := int64(65532)
	grace := int64(terminationGraceSeconds)
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: childName(r, service), Namespace: r.Namespace, Labels: labels(r, service)},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: selector(r, service)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: map[string]string{configHashLabel: hashOf(cm.Data)}},
				Spec: corev1.PodSpec{
					AutomountServiceAccountToken:  &f,
					ImagePullSecrets:              r.Spec.ImagePullSecrets,
					TerminationGracePeriodSeconds: &grace,
					TopologySpreadConstraints:     spread(selector(r, service)),
					SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &t, RunAsUser: &uid, RunAsGroup: &uid,
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
					Containers: []corev1.Container{{
						Name:            service,
						Image:           image,
						ImagePullPolicy: r.Spec.ImagePullPolicy,
						Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: httpPort, Protocol: corev1.ProtocolTCP},
							{Name: "ops", ContainerPort: opsPort, Protocol: corev1.ProtocolTCP}},
						EnvFrom:        []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm.Name}}}},
						Env:            env,
						LivenessProbe:  probe("/healthz", 5),
						ReadinessProbe: probe("/readyz", 2),
						Resources:      resourcesOf(svc),
						SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &f, ReadOnlyRootFilesystem: &t, RunAsNonRoot: &t,
							Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
						VolumeMounts: mounts,
						Lifecycle:    &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: drainSeconds}}},
					}},
					Volumes: volumes,
				},
			},
		},
	}
}

func service(r *v1.Region, name string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: childName(r, name), Namespace: r.Namespace, Labels: labels(r, name)},
		Spec: corev1.ServiceSpec{
			Selector: selector(r, name),
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP},
				{Name: "ops", Port: opsPort, TargetPort: intstr.FromString("ops"), Protocol: corev1.ProtocolTCP}},
		},
	}
}

// pdb keeps at least one pod of a replicated service through voluntary disruptions.
func pdb(r *v1.Region, name string) *policyv1.PodDisruptionBudget {
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: childName(r, name), Namespace: r.Namespace, Labels: labels(r, name)},
		Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &one, Selector: &metav1.LabelSelector{MatchLabels: selector(r, name)}},
	}
}

// tlsFiles mounts a server's CA and a client certificate from their Secrets at
// /etc/werkregio/<name>-ca and -client (read-only, readable by the service's group only) and
// tells the service where they are (<envPrefix>_CA_FILE, _CERT_FILE, _KEY_FILE).
func tlsFiles(name, envPrefix string, ca, client *corev1.LocalObjectReference) ([]corev1.Volume, []corev1.VolumeMount, []corev1.EnvVar) {
	var volumes []corev1.Volume
	var mounts []corev1.VolumeMount
	var env []corev1.EnvVar
	mode := int32(0o440)
	mount := func(volume, path string, ref *corev1.LocalObjectReference) {
		volumes = append(volumes, corev1.Volume{Name: volume, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: ref.Name, DefaultMode: &mode}}})
		mounts = append(mounts, corev1.VolumeMount{Name: volume, MountPath: path, ReadOnly: true})
	}
	if ca != nil {
		mount(name+"-ca", "/etc/werkregio/"+name+"-ca", ca)
		env = append(env, corev1.EnvVar{Name: envPrefix + "_CA_FILE", Value: "/etc/werkregio/" + name + "-ca/ca.crt"})
	}
	if client != nil {
		path := "/etc/werkregio/" + name + "-client"
		mount(name+"-client", path, client)
		env = append(env, corev1.EnvVar{Name: envPrefix + "_CERT_FILE", Value: path + "/tls.crt"},
			corev1.EnvVar{Name: envPrefix + "_KEY_FILE", Value: path + "/tls.key"})
	}
	return volumes, mounts, env
}

// kafkaTLS: TLS to the brokers, with the cluster's CA and a client certificate.
func kafkaTLS(t *v1.KafkaTLS) ([]corev1.Volume, []corev1.VolumeMount, []corev1.EnvVar) {
	if t == nil {
		return nil, nil, nil
	}
	volumes, mounts, env := tlsFiles("kafka", "KAFKA_TLS", t.CASecretRef, t.ClientCertSecretRef)
	return volumes, mounts, append([]corev1.EnvVar{{Name: "KAFKA_TLS", Value: "true"}}, env...)
}

// mongodbTLS: TLS to MongoDB with a CA of its own and a client certificate.
func mongodbTLS(t *v1.TLSSecrets) ([]corev1.Volume, []corev1.VolumeMount, []corev1.EnvVar) {
	if t == nil {
		return nil, nil, nil
	}
	return tlsFiles("mongodb", "MONGO_TLS", t.CASecretRef, t.ClientCertSecretRef)
}

// networkPolicy admits the API only from the Region's peers, and readiness and metrics
// only from its operations peers (the metrics scraper).
func networkPolicy(r *v1.Region, name string) *networkingv1.NetworkPolicy {
	tcp := corev1.ProtocolTCP
	api, ops := intstr.FromString("http"), intstr.FromString("ops")
	rule := networkingv1.NetworkPolicyIngressRule{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &api}}}
	opsRule := networkingv1.NetworkPolicyIngressRule{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &ops}}}
	if r.Spec.NetworkPolicy != nil {
		rule.From, opsRule.From = r.Spec.NetworkPolicy.From, r.Spec.NetworkPolicy.OpsFrom
	}
	return &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: childName(r, name), Namespace: r.Namespace, Labels: labels(r, name)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: selector(r, name)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{rule, opsRule},
		},
	}
}

// hpa scales the service on CPU between its replicas and the maximum.
func hpa(r *v1.Region, name string) *autoscalingv2.HorizontalPodAutoscaler {
	svc := r.Spec.Services.Service(name)
	minReplicas := max(svc.ReplicaCount(), 1)
	target := orDefault(svc.Autoscaling.TargetCPUUtilizationPercentage, 75)
	return &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: childName(r, name), Namespace: r.Namespace, Labels: labels(r, name)},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: childName(r, name)},
			MinReplicas:    &minReplicas,
			MaxReplicas:    max(svc.Autoscaling.MaxReplicas, minReplicas),
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &target}}}},
		},
	}
}

// resourcesOf are the service's resources, or the platform chart's defaults for a Region
// that names none: requests to plan with, a memory limit, no CPU limit (throttling).
func resourcesOf(svc v1.ServiceSpec) corev1.ResourceRequirements {
	if len(svc.Resources.Requests) > 0 || len(svc.Resources.Limits) > 0 {
		return svc.Resources
	}
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("512Mi")},
	}
}
