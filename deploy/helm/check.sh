#!/usr/bin/env bash
# Validates the Helm chart (deploy/helm/salon-client-base): `helm lint --strict`, then
# `helm template | kubeconform -strict` with the default values and with values-production.yaml,
# against the JSON schemas of Kubernetes $KUBERNETES_VERSION, and the pods' environment against
# each service's configuration (tools/deploy/chart-environment.ts). A step of `npm test`.
#
#   deploy/helm/check.sh            install the tools if missing, then validate
#   deploy/helm/check.sh install    only install the tools (npm test starts this early, in the background)
#
# The tools, cached under LOCAL_DIR (.local) and installed from package registries, so a clean
# clone installs them itself; nothing is fetched while validating:
#   helm          go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION                 (Go module proxy)
#   kubeconform   go install github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION
#   schemas       the PyPI package kubernetes-validate (hash-pinned; pip download, nothing installed)
#                 carries the Kubernetes JSON schemas that kubeconform reads from GitHub by default;
#                 its $KUBERNETES_VERSION-local-strict folder is unpacked into
#                 $LOCAL_DIR/kubernetes-json-schema/, with each schema's $id dropped and its
#                 "/api/_definitions.json" references made relative, so they resolve to the file beside it.
# ServiceMonitor (a Prometheus Operator CRD, no schema here) is skipped by kubeconform, by its GVK.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$REPO_ROOT/.local}"
CHART="$REPO_ROOT/deploy/helm/salon-client-base"

HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
KUBERNETES_VERSION=1.34.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VALIDATE_SHA256=85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9

BIN="$LOCAL_DIR/bin"
SCHEMAS="$LOCAL_DIR/kubernetes-json-schema"
SCHEMA_DIR="$SCHEMAS/v$KUBERNETES_VERSION-local-strict"

# True when <binary> was built from <module>@<version> (`go version -m` reads the build info).
built_from() {
  [[ -x "$1" ]] && go version -m "$1" 2>/dev/null | grep -q $'^\tmod\t'"$2"$'\t'"$3"$'\t'
}

# go_tool <name> <module> <package> <version>: go install into a temporary GOBIN, then into place,
# so an interrupted build never leaves a half-written binary.
go_tool() {
  local name="$1" module="$2" package="$3" version="$4" start=$SECONDS
  if built_from "$BIN/$name" "$module" "$version"; then
    echo "$name: already installed ($module@$version)"
    return 0
  fi
  local tmp="$BIN/.$name-build" log="$BIN/$name-build.log"
  rm -rf "$tmp" && mkdir -p "$tmp"
  echo "$name: go install $package@$version (log $log)"
  if ! GOBIN="$tmp" go install "$package@$version" >"$log" 2>&1; then
    echo "$name: go install failed after $((SECONDS - start)) s; the end of $log:" >&2
    tail -n 30 "$log" >&2
    rm -rf "$tmp"
    return 1
  fi
  mv -f "$tmp/$name" "$BIN/$name" && rm -rf "$tmp"
  echo "$name: installed in $((SECONDS - start)) s"
}

# In a subshell: its EXIT trap removes the download whatever happens.
schemas() (
  if [[ -f "$SCHEMA_DIR/.installed" ]]; then
    echo "schemas: already installed ($SCHEMA_DIR)"
    return 0
  fi
  local start=$SECONDS tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION --hash=sha256:$KUBERNETES_VALIDATE_SHA256" >"$tmp/requirements.txt"
  # A throwaway venv brings a pip whatever the machine's Python has.
  python3 -m venv "$tmp/venv"
  "$tmp/venv/bin/pip" download --quiet --disable-pip-version-check --no-input --no-deps --require-hashes \
    -r "$tmp/requirements.txt" -d "$tmp/wheel"
  rm -rf "$SCHEMA_DIR" && mkdir -p "$SCHEMAS"
  python3 - "$tmp/wheel"/kubernetes_validate-*.whl "v$KUBERNETES_VERSION-local-strict" "$SCHEMA_DIR" <<'EOF'
import json, os, sys, zipfile
wheel, folder, target = sys.argv[1:]
prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
os.makedirs(target)
count = 0
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if not name.startswith(prefix) or not name.endswith(".json"):
            continue
        schema = json.loads(archive.read(name))
        # kubeconform resolves references against $id (https://kubernetes.io/...): without it they
        # resolve against the file, and "/api/_definitions.json" is the file beside it.
        if isinstance(schema, dict):
            schema.pop("$id", None)
        text = json.dumps(schema).replace('"/api/_definitions.json#', '"_definitions.json#')
        with open(os.path.join(target, name[len(prefix):]), "w") as out:
            out.write(text)
        count += 1
if count == 0:
    sys.exit(f"no schemas under {prefix} in {wheel}")
print(f"schemas: {count} files for {folder}")
EOF
  touch "$SCHEMA_DIR/.installed"
  echo "schemas: installed in $((SECONDS - start)) s ($SCHEMA_DIR)"
)

install() {
  if ! command -v go >/dev/null 2>&1; then
    echo "'go' not found on PATH (needs Go >= 1.24)" >&2
    return 1
  fi
  mkdir -p "$BIN"
  go_tool kubeconform github.com/yannh/kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
  go_tool helm helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
  schemas
}

# In a subshell: its EXIT trap removes the rendered manifests.
validate() (
  local values rendered
  rendered="$(mktemp)"
  trap 'rm -f "$rendered"' EXIT
  for values in values.yaml values-production.yaml; do
    echo "-- $values"
    "$BIN/helm" lint --strict "$CHART" -f "$CHART/$values" --kube-version "$KUBERNETES_VERSION" --quiet
    "$BIN/helm" template salon "$CHART" -f "$CHART/$values" --kube-version "$KUBERNETES_VERSION" >"$rendered"
    "$BIN/kubeconform" -strict -summary -kubernetes-version "$KUBERNETES_VERSION" \
      -schema-location "$SCHEMAS/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
      -skip monitoring.coreos.com/v1/ServiceMonitor <"$rendered"
    # The pods' environment against what each service reads and accepts (needs node_modules).
    (cd "$REPO_ROOT" && node -r @swc-node/register tools/deploy/chart-environment.ts "$rendered")
  done
)

case "${1:-check}" in
  install) install ;;
  check) install && validate ;;
  *)
    sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
