{{- define "platform.services" -}}
procurement providers participants payments sroi
{{- end -}}

{{- define "platform.labels" -}}
app.kubernetes.io/part-of: werkregio
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Values.images.tag | default .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
werkregio.nl/region: {{ .Values.region.code }}
{{- end -}}

{{- define "platform.topicPrefix" -}}
{{- .Values.kafka.topicPrefix | default (printf "%s." .Values.region.code) -}}
{{- end -}}

{{- define "platform.image" -}}
{{- $svc := index .root.Values.services .name -}}
{{- if $svc.image -}}{{ $svc.image }}
{{- else if $svc.digest -}}{{ printf "%s/%s@%s" .root.Values.images.registry .name $svc.digest }}
{{- else -}}{{ printf "%s/%s:%s" .root.Values.images.registry .name (.root.Values.images.tag | default .root.Chart.AppVersion) }}
{{- end -}}
{{- end -}}

{{/* platformEnv: what a service needs of the platform's secrets and settings beyond its
own env: the person pseudonym key (participants, sroi), and SMTP with the portal's address
for the services that send e-mail (sroi to a project's parties, payments to finance,
providers to providers, participants to a resident confirming a support request). */}}
{{- define "platform.platformEnv" -}}
{{- $root := .root }}
{{- if and (has .name (list "participants" "sroi")) $root.Values.personPseudonymSecret }}
- name: PERSON_PSEUDONYM_KEY
  valueFrom: {secretKeyRef: {name: {{ $root.Values.personPseudonymSecret }}, key: key}}
{{- end }}
{{- if and (has .name (list "sroi" "payments" "providers" "participants")) $root.Values.smtp.address }}
- {name: SMTP_ADDR, value: {{ $root.Values.smtp.address | quote }}}
{{- if and (eq .name "payments") $root.Values.smtp.financeTeam }}
- {name: PAYMENTS_FINANCE_EMAIL, value: {{ $root.Values.smtp.financeTeam | quote }}}
{{- end }}
{{- if $root.Values.portal.publicURL }}
- {name: {{ ternary "SROI_PORTAL_URL" "PORTAL_URL" (eq .name "sroi") }}, value: {{ $root.Values.portal.publicURL | quote }}}
{{- end }}
{{- with $root.Values.smtp.from }}
- {name: SMTP_FROM, value: {{ . | quote }}}
{{- end }}
{{- with $root.Values.smtp.credentialsSecret }}
- name: SMTP_USERNAME
  valueFrom: {secretKeyRef: {name: {{ . }}, key: username}}
- name: SMTP_PASSWORD
  valueFrom: {secretKeyRef: {name: {{ . }}, key: password}}
{{- end }}
{{- end }}
{{- end -}}

{{/* networkFrom: who may call the services: the configured peers, and the portal's pods
when the chart runs the portal (it calls the services' APIs for its users). */}}
{{- define "platform.networkFrom" -}}
{{- $from := .Values.networkPolicy.from -}}
{{- if .Values.portal.enabled -}}
{{- $from = append $from (dict "podSelector" (dict "matchLabels" (dict "app.kubernetes.io/name" "portal" "werkregio.nl/region" .Values.region.code))) -}}
{{- end -}}
{{- if .Values.test.enabled -}}
{{- $from = append $from (dict "podSelector" (dict "matchLabels" (dict "app.kubernetes.io/name" "platform-test" "werkregio.nl/region" .Values.region.code))) -}}
{{- end -}}
{{- toYaml $from -}}
{{- end -}}

{{/* consumes: the topics each service reads (contracts/catalog; a test keeps them equal),
for its Kafka user's ACLs. */}}
{{- define "platform.consumes" -}}
procurement: [providers.registry.v1]
providers: [procurement.contracts.v1, procurement.schemes.v1, payments.tranches.v1]
participants: [providers.offers.v1, partners.attendance.v1, partners.placements.v1]
payments: [participants.enrolments.v1, procurement.contracts.v1, providers.registry.v1]
sroi: [procurement.tenders.v1, participants.enrolments.v1, payments.tranches.v1]
{{- end -}}

{{/* platform.serviceConfig: a service's settings (everything but secrets), as YAML, for its
ConfigMap and its Deployment's config hash alike. */}}
{{- define "platform.serviceConfig" -}}
{{- $ := .root -}}
{{- $name := .name -}}
{{- $svc := index $.Values.services $name -}}
{{- $config := dict
  "REGION" $.Values.region.code
  "HTTP_ADDR" ":8080"
  "OPS_ADDR" ":9090"
  "KAFKA_BROKERS" (join "," $.Values.kafka.bootstrapServers)
  "KAFKA_TOPIC_PREFIX" (include "platform.topicPrefix" $)
  "KAFKA_TOPIC_PARTITIONS" (toString $.Values.kafka.partitions)
  "KAFKA_REPLICATION_FACTOR" (toString $.Values.kafka.replicationFactor)
  "MONGO_DATABASE" ($svc.database | default (printf "werkregio-%s-%s" $.Values.region.code $name))
  "AUTH_ISSUER" $.Values.auth.issuer
  "AUTH_AUDIENCE" $.Values.auth.audience
  "LOG_LEVEL" ($.Values.logLevel | default "info")
  "OTEL_TRACES_SAMPLER_RATIO" (divf $.Values.telemetry.samplingPercent 100 | toString)
  "REQUEST_TIMEOUT" ($.Values.requestTimeout | default "10s")
  "MONGO_WRITE_CONCERN" ($.Values.mongodb.writeConcern | default "majority")
  "MONGO_OPERATION_TIMEOUT" ($.Values.mongodb.operationTimeout | default "30s")
  "MONGO_SERVER_SELECTION_TIMEOUT" ($.Values.mongodb.serverSelectionTimeout | default "5s")
  "KAFKA_WRITE_TIMEOUT" ($.Values.kafka.producer.writeTimeout | default "5s")
  "KAFKA_WRITE_ATTEMPTS" ($.Values.kafka.producer.writeAttempts | default 3 | toString)
  "KAFKA_SESSION_TIMEOUT" ($.Values.kafka.consumer.sessionTimeout | default "30s")
  "KAFKA_REBALANCE_TIMEOUT" ($.Values.kafka.consumer.rebalanceTimeout | default "30s")
  "KAFKA_HEARTBEAT_INTERVAL" ($.Values.kafka.consumer.heartbeatInterval | default "3s")
}}
{{- if $.Values.auth.jwksURL }}{{ $_ := set $config "AUTH_JWKS_URL" $.Values.auth.jwksURL }}{{ else }}{{ $_ := set $config "AUTH_JWKS_FILE" "/etc/werkregio/auth/jwks.json" }}{{ end }}
{{- with $.Values.telemetry.otlpEndpoint }}{{ $_ := set $config "OTEL_EXPORTER_OTLP_ENDPOINT" . }}{{ end }}
{{- toYaml $config -}}
{{- end -}}
