#!/usr/bin/env bash
# Prepares this machine and checkout for ForgeOne: Debian packages, npm dependencies, a build.
# Idempotent; run as root on Debian 12. Each step is skipped when already done:
#   - apt-get runs only when a package is missing;
#   - `npm ci` runs only when package-lock.json, package.json, .npmrc or the Node version changed
#     since the last successful install (stamp in node_modules/.forgeone-install-stamp);
#   - `npm run build` is incremental (tsc --incremental).
# Environment: FORGEONE_SKIP_BUILD=1 skips the build step (scripts/test.sh builds as a test step).
set -euo pipefail

cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# Everything the project uses at run time and in tests (DESIGN.md section 4), plus what
# building better-sqlite3 from source needs (HOST-NOTES item 4). Later issues add to this list.
PACKAGES=(
  crun runc conmon catatonit attr zstd
  containernetworking-plugins iptables iproute2
  skopeo umoci docker-registry busybox-static
  apache2-utils openssl prometheus python3-prometheus-client curl
  make g++ python3 git ca-certificates
  clang lld wasi-libc libclang-rt-dev-wasm32
)

[[ $(id -u) -eq 0 ]] || die "run as root (it installs Debian packages)"
command -v dpkg-query >/dev/null || die "needs a Debian-based system (dpkg-query not found)"

is_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

install_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "Debian packages: all ${#PACKAGES[@]} present"
    return
  fi
  log "Debian packages: installing ${missing[*]}"
  # Package scripts would start docker-registry (:5000) and prometheus (:9090) as services;
  # tests and the demo start their own instances, so keep services from starting during install.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  } || rc=$?
  if [[ $own_policy -eq 1 ]]; then rm -f "$policy"; fi
  [[ $rc -eq 0 ]] || die "apt-get failed (exit $rc) installing: ${missing[*]}"
}

check_node() {
  command -v node >/dev/null || die "Node.js 20 or later is required (not found in PATH)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [[ $major -ge 20 ]] || die "Node.js 20 or later is required (found $(node --version))"
  command -v npm >/dev/null || die "npm is required (not found in PATH)"
}

install_node_modules() {
  local stamp_file=node_modules/.forgeone-install-stamp stamp
  # A worktree may share another checkout's node_modules through a symlink: `npm ci` here would
  # empty the shared directory under everyone using it (it did once). Install where it lives.
  if [[ -L node_modules ]]; then
    log "npm dependencies: node_modules links to $(readlink node_modules); not installing through the link (run setup there)"
    return
  fi
  # Native modules (better-sqlite3) are built for one Node ABI, so the Node version is part of it.
  stamp=$(cat package-lock.json package.json .npmrc 2>/dev/null | sha256sum | cut -d' ' -f1)
  stamp="$stamp node-$(node --version) $(uname -m)"
  if [[ -f $stamp_file && $(cat "$stamp_file") == "$stamp" ]]; then
    log "npm dependencies: up to date"
    return
  fi
  log "npm dependencies: npm ci (builds better-sqlite3 from source, ~2 min)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  printf '%s\n' "$stamp" >"$stamp_file"
}

# The docker CLI, for the Docker API compatibility tests and for users who drive ForgeOne with it
# (DOCKER_HOST=unix:///run/forgeone/forgeone.sock). Only the client binary is taken from Debian's
# docker.io package: dockerd and containerd are never installed or started.
install_docker_cli() {
  if command -v docker >/dev/null; then
    log "docker CLI: present ($(docker --version 2>/dev/null || echo unknown version))"
    return
  fi
  log "docker CLI: extracting the client from Debian's docker.io package"
  local tmp rc=0
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  {
    (cd "$tmp" && apt-get download -qq docker.io 2>/dev/null) ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq && (cd "$tmp" && apt-get download -qq docker.io); }
  } && dpkg-deb -x "$tmp"/docker.io_*.deb "$tmp/root" && install -m 0755 "$tmp/root/usr/bin/docker" /usr/local/bin/docker || rc=$?
  rm -rf "$tmp"
  [[ $rc -eq 0 ]] || die "could not extract the docker CLI from Debian's docker.io package (exit $rc)"
}

build() {
  log "build: tsc and the CLI bundle"
  npm run --silent build
}

# `forgeone` on PATH: a link to this checkout's launcher. Another ForgeOne checkout's link is
# moved to this one; anything else of that name is left alone.
link_cli() {
  local link=/usr/local/bin/forgeone target=$PWD/dist/src/bin/forgeone.js
  if [[ -e $link || -L $link ]] && [[ ! $(readlink "$link") == */dist/src/bin/forgeone.js ]]; then
    log "forgeone: $link exists and is not a ForgeOne link; left alone"
    return
  fi
  ln -sfn "$target" "$link"
  log "forgeone: $link -> $target"
}

install_packages
install_docker_cli
check_node
install_node_modules
if [[ ${FORGEONE_SKIP_BUILD:-0} != 1 ]]; then build; fi
link_cli
log "setup done"
