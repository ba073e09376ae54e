{{/* Names: <release>-gateway, <release>-gpu-node, <release>-train. */}}
{{- define "llmc.name" -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- end -}}

{{- define "llmc.labels" -}}
app.kubernetes.io/name: llm-controller
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: llmc.selector (dict "root" $ "component" "gateway") */}}
{{- define "llmc.selector" -}}
app.kubernetes.io/name: llm-controller
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* repository:tag, the tag defaulting to the chart's appVersion (the project version the images are tagged with). */}}
{{- define "llmc.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* A value of the named key of the chart's Secret, by reference. */}}
{{- define "llmc.secretRef" -}}
valueFrom:
  secretKeyRef:
    name: {{ required "secrets.name: the Secret holding the admin key, secrets key and database password" .root.Values.secrets.name }}
    key: {{ .key }}
{{- end -}}

{{/* PostgreSQL settings, shared by the gateway and the training job. */}}
{{- define "llmc.databaseEnv" -}}
- name: LLMC_DATABASE_URL
  value: {{ required "database.url: the JDBC URL of PostgreSQL, e.g. jdbc:postgresql://db:5432/llmc" .Values.database.url | quote }}
- name: LLMC_DATABASE_USER
  value: {{ .Values.database.user | quote }}
- name: LLMC_DATABASE_PASSWORD
  {{- include "llmc.secretRef" (dict "root" . "key" .Values.secrets.keys.databasePassword) | nindent 2 }}
{{- end -}}

{{/* Extra LLMC_* variables from a values map, in a stable order. */}}
{{- define "llmc.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The images run as the unprivileged user 65532 on a read-only root filesystem; /tmp is an emptyDir. */}}
{{- define "llmc.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "llmc.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* The NetworkPolicy peer allowed to scrape metrics: networkPolicy.prometheus's pods in its namespaces. */}}
{{- define "llmc.prometheusPeer" -}}
- namespaceSelector:
    {{- toYaml .Values.networkPolicy.prometheus.namespaceSelector | nindent 4 }}
  podSelector:
    {{- toYaml .Values.networkPolicy.prometheus.podSelector | nindent 4 }}
{{- end -}}
