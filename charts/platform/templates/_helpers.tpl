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
{{- $svc.image | default (printf "%s/%s:%s" .root.Values.images.registry .name (.root.Values.images.tag | default .root.Chart.AppVersion)) -}}
{{- end -}}
