package v1alpha1

import (
	"github.com/werkregio/platform/contracts/catalog"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Service names, in the order the platform's catalog lists them.
const (
	Procurement  = catalog.Procurement
	Providers    = catalog.Providers
	Participants = catalog.Participants
	Payments     = catalog.Payments
	Sroi         = catalog.Sroi
)

// ServiceNames lists the five services of a platform instance (contracts/catalog).
var ServiceNames = func() []string {
	out := make([]string, len(catalog.Services))
	for i, s := range catalog.Services {
		out[i] = s.Name
	}
	return out
}()

// RegionSpec is the desired platform instance of one labour-market region.
// +kubebuilder:validation:XValidation:rule="!has(self.services.participants.enabled) || !self.services.participants.enabled || has(self.bsnKeysSecretRef)",message="bsnKeysSecretRef is required while the participants service is enabled"
type RegionSpec struct {
	// Code is the region's code, used in tokens, topic prefixes and database names: at most
	// 40 characters, so werkregio-<code>-participants stays within MongoDB's 63.
	// +kubebuilder:validation:Pattern=`^[a-z][a-z0-9-]{1,39}$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="code is immutable: topics and databases are named after it"
	Code string `json:"code"`

	// DisplayName is the region's name for people, e.g. "Arbeidsmarktregio Groningen".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=100
	DisplayName string `json:"displayName"`

	// Municipalities of the region (gemeenten).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	Municipalities []string `json:"municipalities,omitempty"`

	// Services configures each of the five services.
	// +kubebuilder:default={}
	Services Services `json:"services,omitempty"`

	// Kafka the services publish to and consume from.
	Kafka KafkaSpec `json:"kafka"`

	// MongoDB the services persist to.
	MongoDB MongoDBSpec `json:"mongodb"`

	// Telemetry export.
	// +optional
	Telemetry TelemetrySpec `json:"telemetry,omitempty"`

	// Auth is how the services verify bearer tokens.
	Auth AuthSpec `json:"auth"`

	// BSNKeysSecretRef names a Secret with keys encryptionKey and lookupKey (base64, 32
	// bytes each) with which the participants service seals and looks up BSNs.
	// +optional
	BSNKeysSecretRef *corev1.LocalObjectReference `json:"bsnKeysSecretRef,omitempty"`

	// EventKeys are the keys the services sign their events with and check each other's
	// events by (`werkregio keys` makes them): without them no service starts.
	// +optional
	EventKeys *EventKeysSpec `json:"eventKeys,omitempty"`

	// RequestTimeout: every request answers within it (503 with Retry-After at worst while
	// the database or broker is away); an Idempotency-Key held by a request cut off is free
	// again after twice this and 10 s.
	// +kubebuilder:default="10s"
	// +optional
	RequestTimeout *metav1.Duration `json:"requestTimeout,omitempty"`

	// LogLevel of every service.
	// +kubebuilder:validation:Enum=debug;info;warn;error
	// +kubebuilder:default=info
	// +optional
	LogLevel string `json:"logLevel,omitempty"`

	// ImagePullSecrets of the services' pods (a private registry).
	// +optional
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`

	// ImagePullPolicy of the services' containers.
	// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
	// +kubebuilder:default=IfNotPresent
	// +optional
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// NetworkPolicy lets the API reach each service only from the listed peers (the ingress
	// controller, the portal), and readiness and metrics only from the operations peers
	// (the metrics scraper): the services talk to each other over Kafka.
	// +optional
	NetworkPolicy *NetworkPolicySpec `json:"networkPolicy,omitempty"`
}

// Services holds one ServiceSpec per service.
type Services struct {
	// +kubebuilder:default={}
	Procurement ServiceSpec `json:"procurement,omitempty"`
	// +kubebuilder:default={}
	Providers ServiceSpec `json:"providers,omitempty"`
	// +kubebuilder:default={}
	Participants ServiceSpec `json:"participants,omitempty"`
	// +kubebuilder:default={}
	Payments ServiceSpec `json:"payments,omitempty"`
	// +kubebuilder:default={}
	Sroi ServiceSpec `json:"sroi,omitempty"`
}

// Autoscaling of a service on CPU.
type Autoscaling struct {
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=50
	MaxReplicas int32 `json:"maxReplicas"`
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=75
	// +optional
	TargetCPUUtilizationPercentage int32 `json:"targetCPUUtilizationPercentage,omitempty"`
}

// ServiceSpec configures one service.
type ServiceSpec struct {
	// Enabled runs the service; disabling it removes its Deployment, Service, ConfigMap and
	// PodDisruptionBudget.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Image overrides the operator's default image of the service.
	// +optional
	// +kubebuilder:validation:MaxLength=500
	Image string `json:"image,omitempty"`

	// Replicas of the service; above 1 a PodDisruptionBudget keeps one running.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=50
	// +kubebuilder:default=1
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`

	// Autoscaling scales the service from Replicas up to MaxReplicas on CPU (a
	// HorizontalPodAutoscaler); the operator then leaves the replica count to it.
	// +optional
	Autoscaling *Autoscaling `json:"autoscaling,omitempty"`

	// Resources of the service's container.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`

	// Env adds or overrides environment variables of the service.
	// +optional
	// +kubebuilder:validation:MaxItems=50
	Env []corev1.EnvVar `json:"env,omitempty"`

	// Database overrides the MongoDB database name (default werkregio-<code>-<service>).
	// +optional
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_-]{1,63}$`
	Database string `json:"database,omitempty"`
}

// IsEnabled: services run unless disabled.
func (s ServiceSpec) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// ReplicaCount defaults to one.
func (s ServiceSpec) ReplicaCount() int32 {
	if s.Replicas == nil {
		return 1
	}
	return *s.Replicas
}

// KafkaSpec is the region's Kafka.
type KafkaSpec struct {
	// BootstrapServers as host:port.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:items:Pattern=`^[A-Za-z0-9.-]+:[0-9]{1,5}$`
	BootstrapServers []string `json:"bootstrapServers"`

	// TopicPrefix of every topic of the region (default "<code>.").
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z0-9._-]{0,60}$`
	TopicPrefix string `json:"topicPrefix,omitempty"`

	// Partitions of each topic the operator creates.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	// +kubebuilder:default=3
	// +optional
	Partitions int32 `json:"partitions,omitempty"`

	// ReplicationFactor of each topic the operator creates.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	// +kubebuilder:default=1
	// +optional
	ReplicationFactor int32 `json:"replicationFactor,omitempty"`

	// CredentialsSecretRef names a Secret with keys username and password for SASL/PLAIN
	// (or SCRAM when mechanism says so).
	// +optional
	CredentialsSecretRef *corev1.LocalObjectReference `json:"credentialsSecretRef,omitempty"`

	// SASLMechanism of the credentials: plain, or SCRAM as Strimzi, Confluent and Aiven use.
	// +kubebuilder:validation:Enum=plain;scram-sha-256;scram-sha-512
	// +optional
	SASLMechanism string `json:"saslMechanism,omitempty"`

	// ServiceUsers: each service signs in as its own Kafka user "<code>-<service>" (SCRAM-SHA-512,
	// password in the Secret of that name, as Strimzi's User Operator makes it for the
	// chart's KafkaUsers), whose ACLs let it write only its own topics; CredentialsSecretRef
	// stays the operator's, for creating topics.
	// +optional
	ServiceUsers bool `json:"serviceUsers,omitempty"`

	// TLS to the brokers, set: TLS on, verified against the cluster's CA when given, with a
	// client certificate (mTLS) when given.
	// +optional
	TLS *KafkaTLS `json:"tls,omitempty"`

	// Producer is how a publish waits for the brokers.
	// +kubebuilder:default={}
	// +optional
	Producer KafkaProducer `json:"producer,omitempty"`

	// Consumer is how the services' consumer groups keep their members.
	// +kubebuilder:default={}
	// +optional
	Consumer KafkaConsumer `json:"consumer,omitempty"`

	// DeleteTopicsOnDelete deletes the region's topics when the Region is deleted. Off by
	// default: topics hold the region's events.
	// +optional
	DeleteTopicsOnDelete bool `json:"deleteTopicsOnDelete,omitempty"`
}

// KafkaTLS is how the region reaches its brokers over TLS.
type KafkaTLS struct {
	// CASecretRef names a Secret with key ca.crt: the cluster's CA (Strimzi's
	// <cluster>-cluster-ca-cert). Without it the system's roots verify the brokers.
	// +optional
	CASecretRef *corev1.LocalObjectReference `json:"caSecretRef,omitempty"`
	// ClientCertSecretRef names a Secret with keys tls.crt and tls.key: the client
	// certificate of mTLS (a Strimzi KafkaUser with tls authentication).
	// +optional
	ClientCertSecretRef *corev1.LocalObjectReference `json:"clientCertSecretRef,omitempty"`
}

// NetworkPolicySpec is who may call the services over HTTP.
type NetworkPolicySpec struct {
	// From are the peers allowed to the API (a NetworkPolicy's ingress "from"); none: no one.
	// +optional
	From []networkingv1.NetworkPolicyPeer `json:"from,omitempty"`
	// OpsFrom are the peers allowed to the internal listener (port ops, 9090: /readyz and
	// /metrics), e.g. the monitoring namespace; none: no one (the kubelet's probes pass).
	// +optional
	OpsFrom []networkingv1.NetworkPolicyPeer `json:"opsFrom,omitempty"`
}

// TLSSecrets are the Secrets of a TLS client: the server's CA (ca.crt) and a client
// certificate (tls.crt, tls.key) for mTLS.
type TLSSecrets struct {
	// CASecretRef holds ca.crt; without it the system's roots verify the server.
	// +optional
	CASecretRef *corev1.LocalObjectReference `json:"caSecretRef,omitempty"`
	// ClientCertSecretRef holds tls.crt and tls.key (mTLS).
	// +optional
	ClientCertSecretRef *corev1.LocalObjectReference `json:"clientCertSecretRef,omitempty"`
}

// MongoDBSpec is the region's MongoDB.
// +kubebuilder:validation:XValidation:rule="size(self.uriSecretRef.name) > 0 && size(self.uriSecretRef.key) > 0",message="uriSecretRef needs a Secret name and key"
type MongoDBSpec struct {
	// URISecretRef selects the key of a Secret that holds the connection string.
	URISecretRef corev1.SecretKeySelector `json:"uriSecretRef"`
	// TLS with a CA of the database's own and a client certificate (the URI may also say
	// tls=true and rely on the system's roots).
	// +optional
	TLS *TLSSecrets `json:"tls,omitempty"`

	// WriteConcern: "majority" (an acknowledged write survives the primary's loss; none is
	// rolled back after an election) or a number of members. The connection string's w wins.
	// +kubebuilder:validation:Pattern=`^(majority|[0-9])$`
	// +kubebuilder:default=majority
	// +optional
	WriteConcern string `json:"writeConcern,omitempty"`

	// OperationTimeout bounds an operation without a deadline of its own (the driver's
	// timeoutMS, which replaced wtimeoutMS and socketTimeoutMS): its wait for the write
	// concern and every socket read. A request's own deadline (requestTimeout) is shorter.
	// +kubebuilder:default="30s"
	// +optional
	OperationTimeout *metav1.Duration `json:"operationTimeout,omitempty"`

	// ServerSelectionTimeout is how long an operation waits for a primary: shorter than
	// requestTimeout, so a request during an election answers 503 with Retry-After in time.
	// +kubebuilder:default="5s"
	// +optional
	ServerSelectionTimeout *metav1.Duration `json:"serverSelectionTimeout,omitempty"`
}

// KafkaProducer bounds one publish: every in-sync replica acknowledges within the attempts,
// or the publish fails and the outbox keeps the event for the relay's next try (a delivery
// times out into a retry, never into a loss).
type KafkaProducer struct {
	// WriteTimeout of one attempt.
	// +kubebuilder:default="5s"
	// +optional
	WriteTimeout *metav1.Duration `json:"writeTimeout,omitempty"`

	// WriteAttempts before the publish fails back to the relay.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=20
	// +kubebuilder:default=3
	// +optional
	WriteAttempts int32 `json:"writeAttempts,omitempty"`
}

// KafkaConsumer is the consumer groups' timing: a member that stops heart-beating loses its
// partitions after the session timeout; a broker roll is shorter, so members stay.
type KafkaConsumer struct {
	// SessionTimeout of a member.
	// +kubebuilder:default="30s"
	// +optional
	SessionTimeout *metav1.Duration `json:"sessionTimeout,omitempty"`

	// RebalanceTimeout: how long a rebalance waits for the members to rejoin.
	// +kubebuilder:default="30s"
	// +optional
	RebalanceTimeout *metav1.Duration `json:"rebalanceTimeout,omitempty"`

	// HeartbeatInterval, at most a third of the session timeout.
	// +kubebuilder:default="3s"
	// +optional
	HeartbeatInterval *metav1.Duration `json:"heartbeatInterval,omitempty"`
}

// TelemetrySpec configures OpenTelemetry export.
type TelemetrySpec struct {
	// OTLPEndpoint of the collector (OTLP/HTTP), e.g. http://otel-collector:4318.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	OTLPEndpoint string `json:"otlpEndpoint,omitempty"`

	// SamplingPercent of new traces to keep.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=100
	// +optional
	SamplingPercent *int32 `json:"samplingPercent,omitempty"`

	// HeadersSecretRef is a key of a Secret holding the exporter's headers
	// (OTEL_EXPORTER_OTLP_HEADERS, e.g. "authorization=Bearer …" of a hosted backend).
	// +optional
	HeadersSecretRef *corev1.SecretKeySelector `json:"headersSecretRef,omitempty"`
}

// AuthSpec is how tokens are verified: by the identity provider's JWKS URL or by a
// ConfigMap holding jwks.json.
// +kubebuilder:validation:XValidation:rule="has(self.jwksURL) != has(self.keysConfigMapRef)",message="set exactly one of jwksURL and keysConfigMapRef"
type AuthSpec struct {
	// Issuer accepted in tokens.
	// +kubebuilder:validation:MinLength=1
	Issuer string `json:"issuer"`

	// Audience accepted in tokens.
	// +kubebuilder:default=werkregio
	// +optional
	Audience string `json:"audience,omitempty"`

	// JWKSURL of the identity provider.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	JWKSURL string `json:"jwksURL,omitempty"`

	// KeysConfigMapRef names a ConfigMap with key jwks.json.
	// +optional
	KeysConfigMapRef *corev1.LocalObjectReference `json:"keysConfigMapRef,omitempty"`
}

// RegionStatus is what the operator observed.
type RegionStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, TopicsReady, Degraded and <Service>Available per enabled service.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Services summarises each enabled service's replicas.
	// +optional
	// +listType=map
	// +listMapKey=name
	Services []ServiceStatus `json:"services,omitempty"`

	// Topics is how many of the region's topics exist.
	// +optional
	Topics int32 `json:"topics,omitempty"`

	// Available is how many of the enabled services are available, e.g. "5/5".
	// +optional
	Available string `json:"available,omitempty"`
}

// ServiceStatus is one service's Deployment as observed.
type ServiceStatus struct {
	Name          string `json:"name"`
	Replicas      int32  `json:"replicas"`
	ReadyReplicas int32  `json:"readyReplicas"`
	// Available: the service serves (on its newest version or, during a rollout, the one before).
	Available bool `json:"available"`
	// UpToDate: every replica runs the newest spec.
	// +optional
	UpToDate bool `json:"upToDate"`
	// Version is the image the service serves from (its tag or digest): during a rollout
	// the one before, until every replica runs the new one.
	// +optional
	Version string `json:"version,omitempty"`
	// UpdatingTo is the version a rollout in progress brings.
	// +optional
	UpdatingTo string `json:"updatingTo,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=rgn
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 50",message="a Region's name is at most 50 characters: its children are named <name>-participants, and Kubernetes allows 63"
// +kubebuilder:printcolumn:name="Code",type=string,JSONPath=`.spec.code`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Services",type=string,JSONPath=`.status.available`
// +kubebuilder:printcolumn:name="Topics",type=integer,JSONPath=`.status.topics`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Region is one werkregio platform instance for one labour-market region.
type Region struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   RegionSpec   `json:"spec,omitempty"`
	Status RegionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// RegionList is a list of Regions.
type RegionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Region `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Region{}, &RegionList{})
}

// Service returns the spec of a service by name.
func (s *Services) Service(name string) ServiceSpec {
	switch name {
	case Procurement:
		return s.Procurement
	case Providers:
		return s.Providers
	case Participants:
		return s.Participants
	case Payments:
		return s.Payments
	default:
		return s.Sroi
	}
}

// EventKeysSpec names where the services' event keys are.
type EventKeysSpec struct {
	// SecretRef names a Secret with one key per service (procurement, providers,
	// participants, payments, sroi): its private JWK (kid "<region>/<service>"). Each
	// service gets its own key only.
	SecretRef corev1.LocalObjectReference `json:"secretRef"`
	// PublicKeysConfigMapRef names a ConfigMap whose keys.json is the JWK Set of the public
	// keys the services trust: the region's own services, and the sroi key of every region
	// that shares the candidate-months topic.
	PublicKeysConfigMapRef corev1.LocalObjectReference `json:"publicKeysConfigMapRef"`
}
