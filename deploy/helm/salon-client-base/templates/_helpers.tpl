{{/* The release's full name: the release name, with the chart's name unless it already has it. */}}
{{- define "salon.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "salon.serviceAccountName" -}}
{{- default (include "salon.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* Labels of everything the chart makes. */}}
{{- define "salon.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: salon-client-base
{{- end -}}

{{/* Pods of one service (both roles): the ops Service selects these. Call with (dict "root" $ "service" name). */}}
{{- define "salon.serviceSelector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
salon.service: {{ .service }}
{{- end -}}

{{/* Pods of one service and role. Call with (dict "root" $ "service" name "role" role). */}}
{{- define "salon.roleSelector" -}}
{{ include "salon.serviceSelector" . }}
salon.role: {{ .role }}
{{- end -}}

{{/* <repository>/<service>:<tag>. Call with (dict "root" $ "service" name). */}}
{{- define "salon.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .service (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* A role's settings: defaults.<role> overridden by services.<service>.<role>, as YAML. */}}
{{- define "salon.roleSettings" -}}
{{- $defaults := deepCopy (index .root.Values.defaults .role) -}}
{{- $own := deepCopy (default dict (index (index .root.Values.services .service) .role)) -}}
{{- toYaml (mergeOverwrite $defaults $own) -}}
{{- end -}}

{{/* The URL of a service's API inside the cluster. Call with (dict "root" $ "service" name). */}}
{{- define "salon.apiUrl" -}}
{{- printf "http://%s-%s:%v" (include "salon.fullname" .root) .service (index .root.Values.services .service).port -}}
{{- end -}}

{{/* CLIENTS_SERVICE_URL for clients-service. */}}
{{- define "salon.urlVariable" -}}
{{- printf "%s_URL" (. | upper | replace "-" "_") -}}
{{- end -}}

{{- define "salon.podSecurity" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Labels of a service's role: the chart's, and the ones its selectors use. Call with (dict "root" $ "service" name "role" role). */}}
{{- define "salon.roleLabels" -}}
{{ include "salon.labels" .root }}
salon.service: {{ .service }}
salon.role: {{ .role }}
{{- end -}}
