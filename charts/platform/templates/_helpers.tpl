{{- define "platform.services" -}}
procurement providers participants payments sroi
{{- end -}}

{{- define "platform.labels" -}}
app.kubernetes.io/part-of: werkregio
app.kubernetes.io/managed-by: {{ .Release.Service }}
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
own env: the person pseudonym key (participants, sroi) and SMTP (sroi). */}}
{{- define "platform.platformEnv" -}}
{{- $root := .root }}
{{- if and (has .name (list "participants" "sroi")) $root.Values.personPseudonymSecret }}
- name: PERSON_PSEUDONYM_KEY
  valueFrom: {secretKeyRef: {name: {{ $root.Values.personPseudonymSecret }}, key: key}}
{{- end }}
{{- if and (eq .name "sroi") $root.Values.smtp.address }}
- {name: SMTP_ADDR, value: {{ $root.Values.smtp.address | quote }}}
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
{{- toYaml $from -}}
{{- end -}}

{{/* consumes: the topics each service reads (contracts/catalog; a test keeps them equal),
for its Kafka user's ACLs. */}}
{{- define "platform.consumes" -}}
procurement: [providers.registry.v1]
providers: [procurement.contracts.v1, procurement.schemes.v1]
participants: [providers.offers.v1, partners.attendance.v1, partners.placements.v1]
payments: [participants.enrolments.v1, procurement.contracts.v1, providers.registry.v1]
sroi: [procurement.tenders.v1, participants.enrolments.v1, payments.tranches.v1]
{{- end -}}
