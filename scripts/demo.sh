#!/usr/bin/env bash
# ForgeOne end to end on this machine, with no internet: build a busybox image offline, serve it
# from a real registry (docker-registry) on 127.0.0.1, and pull and inspect it with the forgeone
# CLI (which starts its daemon in the background on first use).
# Everything lives in $FORGEONE_DEMO_DIR (default /tmp/forgeone-demo); the daemon and the
# registry are stopped on exit, the files are kept for a look afterwards.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO_DIR=$PWD

DEMO=${FORGEONE_DEMO_DIR:-/tmp/forgeone-demo}
ROOT=$DEMO/root
RUNROOT=$DEMO/run
REGISTRY_DIR=$DEMO/registry
IMAGE_DIR=$DEMO/image

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

forgeone() {
  printf '$ forgeone %s\n' "$*" >&2
  "$REPO_DIR/dist/src/bin/forgeone.js" --root "$ROOT" --runroot "$RUNROOT" "$@"
}

# Stops the process whose pid is in $1, if it is still running: SIGTERM, then SIGKILL after 10 s.
stop_pidfile() {
  local pidfile=$1 what=$2 pid i
  [[ -s $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    echo "stopping $what (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

# Containers outlive the daemon (conmon holds them): remove them through it while it runs.
remove_containers() {
  [[ -S $RUNROOT/forgeone.sock ]] || return 0
  local ids
  ids=$(FORGEONE_NO_AUTOSTART=1 forgeone ps -a -q 2>/dev/null || true)
  [[ -z $ids ]] || FORGEONE_NO_AUTOSTART=1 forgeone rm -f $ids >/dev/null 2>&1 || true
  # User networks own a bridge and firewall rules on the host: removed with the demo's containers.
  FORGEONE_NO_AUTOSTART=1 forgeone network rm demo-net >/dev/null 2>&1 || true
}

# Mounts left under the data root by a run that was killed: released before the directories go.
release_mounts() {
  awk -v root="$ROOT" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

cleanup() {
  local rc=$?
  log "cleaning up"
  remove_containers
  stop_pidfile "$RUNROOT/forgeone.pid" "forgeone daemon"
  stop_pidfile "$DEMO/registry.pid" "docker-registry"
  if [[ $rc -eq 0 ]]; then
    echo "demo finished; files are in $DEMO"
  else
    echo "demo FAILED (exit $rc); logs: $DEMO/registry.log, $RUNROOT" >&2
  fi
}

log "setup"
bash scripts/setup.sh

# A previous run may have been interrupted: stop what it left and start from clean directories.
mkdir -p "$DEMO"
remove_containers
stop_pidfile "$RUNROOT/forgeone.pid" "forgeone daemon from a previous run"
stop_pidfile "$DEMO/registry.pid" "docker-registry from a previous run"
release_mounts
rm -rf "$ROOT" "$RUNROOT" "$REGISTRY_DIR" "$IMAGE_DIR"
trap cleanup EXIT

log "building the busybox image offline (OCI layout in $IMAGE_DIR)"
node dist/test/fixtures/cli.js build-busybox "$IMAGE_DIR" >"$DEMO/image.json"
json() { node -p "require(process.argv[1]).$1" "$DEMO/image.json"; }
MANIFEST_DIGEST=$(json manifestDigest)
CONFIG_DIGEST=$(json configDigest)
echo "manifest $MANIFEST_DIGEST"
echo "config   $CONFIG_DIGEST"

log "starting docker-registry on 127.0.0.1"
PORT=$(node dist/test/fixtures/cli.js free-port)
REGISTRY=127.0.0.1:$PORT
mkdir -p "$REGISTRY_DIR/data"
cat >"$REGISTRY_DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: "$REGISTRY_DIR/data"
  delete:
    enabled: true
http:
  addr: "$REGISTRY"
YAML
docker-registry serve "$REGISTRY_DIR/config.yml" >"$DEMO/registry.log" 2>&1 &
echo $! >"$DEMO/registry.pid"
node -e '
  const url = process.argv[1], deadline = Date.now() + 15000;
  (async () => {
    while (Date.now() < deadline) {
      try { const r = await fetch(url); if (r.status === 200 || r.status === 401) return; } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    console.error(`registry did not answer on ${url}`); process.exit(1);
  })();' "http://$REGISTRY/v2/" || die "docker-registry did not start; see $DEMO/registry.log"
echo "registry at http://$REGISTRY (pid $(cat "$DEMO/registry.pid"))"

log "pushing the image with skopeo"
skopeo copy --insecure-policy --quiet --preserve-digests --dest-tls-verify=false \
  "oci:$IMAGE_DIR:latest" "docker://$REGISTRY/busybox:latest"
echo "pushed $REGISTRY/busybox:latest"

[[ -f dist/src/bin/forgeone.js ]] || die "dist/src/bin/forgeone.js not found: the forgeone CLI is not built yet"

log "pulling and inspecting with forgeone"
forgeone pull "$REGISTRY/busybox:latest"
forgeone images
INSPECT=$(forgeone image inspect "$REGISTRY/busybox:latest")
printf '%s\n' "$INSPECT"
if ! grep -q -e "$MANIFEST_DIGEST" -e "$CONFIG_DIGEST" <<<"$INSPECT"; then
  die "image inspect shows neither the pushed manifest digest nor the config digest"
fi
forgeone system df

log "running containers (conmon + crun, secure defaults on)"
OUT=$(forgeone run --rm "$REGISTRY/busybox:latest" sh -c 'echo hello from a ForgeOne container; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status')
printf '%s\n' "$OUT"
grep -q 'hello from a ForgeOne container' <<<"$OUT" || die "the container did not print its greeting"
forgeone run -d --name demo-web "$REGISTRY/busybox:latest" sh -c 'while true; do date; sleep 1; done' >/dev/null
forgeone exec demo-web sh -c 'echo "exec inside: $(hostname), pid 1 is $(cat /proc/1/comm)"'
forgeone ps
sleep 1
forgeone logs --tail 2 demo-web
forgeone rm -f demo-web >/dev/null

# --- Later issues extend the demo here (keep each block short, and check what it prints): ---
log "WebAssembly: build a module image, push it, run it with the wasm engine (a host process per module)"
node dist/test/fixtures/cli.js build-wasm-hello "$DEMO/hello.wasm" >/dev/null
forgeone wasm build "$DEMO/hello.wasm" -t "$REGISTRY/hello-wasm:1"
forgeone push "$REGISTRY/hello-wasm:1"
forgeone rmi "$REGISTRY/hello-wasm:1" >/dev/null
OUT=$(forgeone run --name demo-wasm "$REGISTRY/hello-wasm:1")
printf '%s\n' "$OUT"
[[ $OUT == 'hello from wasm' ]] || die "the wasm module did not print its greeting"
[[ $(forgeone inspect demo-wasm --format '{{.Engine}}') == wasm ]] || die "inspect does not show the wasm engine"
forgeone rm demo-wasm >/dev/null

log "networking: a user network, a container reached by name, a published port answering on the host"
forgeone network create --subnet 10.91.5.0/24 demo-net
WEB_PORT=$(node dist/test/fixtures/cli.js free-port)
forgeone run -d --name demo-web-net --network demo-net -p "127.0.0.1:$WEB_PORT:80" "$REGISTRY/busybox:latest" \
  sh -c 'echo hello from demo-web-net > /tmp/index.html; exec httpd -f -p 80 -h /tmp' >/dev/null
sleep 0.5
BY_NAME=$(forgeone run --rm --network demo-net "$REGISTRY/busybox:latest" sh -c "printf 'GET /index.html HTTP/1.0\r\n\r\n' | nc demo-web-net 80 | tail -1")
echo "from a container, by name: $BY_NAME"
FROM_HOST=$(curl -sSf "http://127.0.0.1:$WEB_PORT/index.html")
echo "from the host, 127.0.0.1:$WEB_PORT: $FROM_HOST"
[[ $BY_NAME == 'hello from demo-web-net' && $FROM_HOST == 'hello from demo-web-net' ]] || die "the web container did not answer"
forgeone ps --filter name=demo-web-net --format '{{.Names}} {{.Ports}}'
forgeone rm -f demo-web-net >/dev/null
forgeone network rm demo-net >/dev/null

log "metrics: a running container's Prometheus series, stats, and promtool on /metrics"
forgeone run -d --name demo-metrics "$REGISTRY/busybox:latest" sh -c 'while true; do :; done' >/dev/null
node dist/test/fixtures/cli.js build-wasm-spin "$DEMO/spin.wasm" >/dev/null
forgeone run -d --name demo-wasm-spin --memory 32m "$DEMO/spin.wasm" >/dev/null
sleep 1
api() { curl -sSf --unix-socket "$RUNROOT/forgeone.sock" "http://forgeone$1"; }
METRICS=$(api /v1/containers/demo-metrics/metrics)
grep -E '^forgeone_container_(cpu_user_seconds_total|memory_usage_bytes|pids)\{' <<<"$METRICS" | sed -E 's/id="([0-9a-f]{12})[0-9a-f]*"/id="\1…"/'
grep -q '^forgeone_container_cpu_user_seconds_total{' <<<"$METRICS" || die "no CPU series for demo-metrics"
WASM_METRICS=$(api /v1/containers/demo-wasm-spin/metrics)
grep -E '^forgeone_container_(cpu_user_seconds_total|memory_usage_bytes|wasm_memory_limit_bytes)\{' <<<"$WASM_METRICS" | sed -E 's/id="([0-9a-f]{12})[0-9a-f]*"/id="\1…"/'
grep -q 'engine="wasm"' <<<"$WASM_METRICS" || die "no series for the wasm module"
forgeone stats --no-stream demo-metrics demo-wasm-spin
api /metrics | promtool check metrics || die "promtool check metrics failed on /metrics"
echo "promtool check metrics: ok ($(api /metrics | grep -vc '^#') series)"
forgeone rm -f demo-metrics demo-wasm-spin >/dev/null

log "done"
