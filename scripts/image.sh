#!/usr/bin/env bash
# The container image (Containerfile), built and tried on a machine whose sandbox cannot start OCI
# containers: podman builds with --isolation chroot, and the smoke test runs the image's entrypoint
# under chroot(8) from `podman image mount`, as the image's user, with the image's environment.
#
#   bash scripts/image.sh base    make the two base images from Debian with debootstrap (again)
#   bash scripts/image.sh build   the base images when missing, then the image (MANDATE_IMAGE, default mandate:dev)
#   bash scripts/image.sh smoke   start the built image's entrypoint; /healthz and /readyz must answer within 60 s
#
# Environment: MANDATE_IMAGE (the tag), MANDATE_IMAGE_WORK (debootstrap's folder, default
# /var/tmp/mandate-image), PODMAN_ROOT (a storage folder of its own instead of podman's default).
# Needs root, podman and debootstrap (Debian's packages; .ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${MANDATE_IMAGE:-localhost/mandate:dev}
BASE=localhost/mandate-base:bookworm
WORK=${MANDATE_IMAGE_WORK:-/var/tmp/mandate-image}
# The defaults of a root podman on Debian, said out loud so that a machine configured otherwise
# (systemd absent, journald absent) behaves the same; PODMAN_ROOT keeps a run's storage apart.
PODMAN=(podman --cgroup-manager cgroupfs --events-backend file)
if [ -n "${PODMAN_ROOT:-}" ]; then PODMAN+=(--root "$PODMAN_ROOT/storage" --runroot "$PODMAN_ROOT/run"); fi

say() { echo "[image] $*" >&2; }
die() {
  say "FAILED: $*"
  exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, podman image mount, chroot)"

# The Debian mirror apt already uses on this machine (deb822 sources), never another host.
debian_mirror() {
  local uri
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  echo "$uri"
}

# Node.js 20 is not in Debian bookworm (it has 18, below package.json's engines). This machine's
# Node.js is Debian package `nodejs` 20.x from NodeSource, whose apt source this sandbox cannot
# reach, nor nodejs.org. So the base images take that package's own files from this machine
# (/usr/bin/node; for the build image also its headers, for native addons, and npm), after
# `dpkg --verify` shows the binary and headers unmodified, and record the version in a label.
# /usr/bin/node links only glibc, libstdc++ and libgcc, which bookworm's minbase has.
node_files_check() {
  dpkg-query -W -f '${Version}' nodejs >/dev/null 2>&1 || die "Debian package nodejs (Node.js 20) is not installed"
  case "$(/usr/bin/node --version)" in v20.*) ;; *) die "/usr/bin/node is $(/usr/bin/node --version), not Node.js 20" ;; esac
  if dpkg --verify nodejs | grep -E ' /usr/(bin/node|include/node/)' >&2; then die "the nodejs package's files were modified"; fi
}

# Removes what a server never reads from a Debian root (documentation, translations, apt's caches).
trim_rootfs() {
  local r=$1
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin "$r"/var/lib/apt/lists/* "$r"/var/log/* \
    "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* "$r"/tmp/* "$r"/root/.[!.]*
}

import_rootfs() {
  local r=$1 tag=$2 what=$3
  tar --numeric-owner -C "$r" -c . | "${PODMAN[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    --change "LABEL org.opencontainers.image.description=\"$what\"" \
    --change "LABEL org.opencontainers.image.base.name=\"debian:bookworm (debootstrap --variant=minbase)\"" \
    --change "LABEL dev.mandate.node.version=\"$(/usr/bin/node --version)\"" \
    --change "LABEL dev.mandate.node.source=\"Debian package nodejs $(dpkg-query -W -f '${Version}' nodejs)\"" \
    - "$tag" >/dev/null 2>&1
}

# Two images from one debootstrap: mandate-base:bookworm (the runtime: Debian minbase, CA
# certificates and node) and mandate-base:bookworm-build (the same with npm, Node.js's headers,
# python3, make and g++, which better-sqlite3's install compiles with).
make_base() {
  node_files_check
  local mirror t0 root build
  mirror=$(debian_mirror)
  t0=$SECONDS
  root="$WORK/rootfs"
  build="$WORK/rootfs-build"
  rm -rf "$root" "$build"
  mkdir -p "$WORK"
  say "debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    {
      tail -20 "$WORK/debootstrap.log" >&2
      die "debootstrap"
    }
  install -m 0755 /usr/bin/node "$root/usr/bin/node"

  cp -a "$root" "$build"
  say "build tools into the build image (apt-get in a chroot)"
  # A mount namespace of its own: /proc and /dev for the package scripts, gone when it exits.
  unshare --mount --propagation private sh -c '
    set -e
    mount -t proc proc "$1/proc"
    mount --bind /dev "$1/dev"
    DEBIAN_FRONTEND=noninteractive chroot "$1" apt-get install -y -q --no-install-recommends python3 make g++
  ' - "$build" >"$WORK/apt.log" 2>&1 || {
    tail -20 "$WORK/apt.log" >&2
    die "apt-get install in the build image"
  }
  mkdir -p "$build/usr/include" "$build/usr/lib/node_modules"
  cp -a /usr/include/node "$build/usr/include/node"
  cp -a /usr/lib/node_modules/npm "$build/usr/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$build/usr/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$build/usr/bin/npx"

  trim_rootfs "$root"
  trim_rootfs "$build"
  import_rootfs "$root" "$BASE" "Debian bookworm minbase with Node.js $(/usr/bin/node --version)"
  import_rootfs "$build" "$BASE-build" "Debian bookworm minbase with Node.js $(/usr/bin/node --version), npm and a C++ toolchain"
  rm -rf "$root" "$build"
  say "base images $BASE and $BASE-build made in $((SECONDS - t0)) s"
}

have_image() { "${PODMAN[@]}" image exists "$1"; }

# The bases are made again when missing or when this machine's Node.js is another version than theirs.
base_current() {
  local tag
  for tag in "$BASE" "$BASE-build"; do
    have_image "$tag" || return 1
    [ "$("${PODMAN[@]}" image inspect --format '{{index .Labels "dev.mandate.node.version"}}' "$tag")" = "$(/usr/bin/node --version)" ] ||
      return 1
  done
}

build() {
  base_current || make_base
  local t0=$SECONDS
  say "podman build → $IMAGE"
  # --format docker keeps HEALTHCHECK (the OCI format has none); --pull=never: the bases are local.
  # The build stage's npm ci trusts this machine's CA bundle (a TLS-intercepting egress proxy is
  # common) through a build secret: it is mounted for that one step and never written into a layer.
  "${PODMAN[@]}" build --isolation chroot --format docker --pull=never \
    --secret id=ca-bundle,src=/etc/ssl/certs/ca-certificates.crt \
    --build-arg "BASE=$BASE" -f Containerfile -t "$IMAGE" .
  # Earlier builds' untagged images (each build stage holds over 1 GB) go; this build's stay as its cache.
  "${PODMAN[@]}" image prune -f --filter until=20m >/dev/null
  say "built $IMAGE in $((SECONDS - t0)) s; size $(("$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")" / 1000000)) MB"
}

# Reads one field of the image's configuration (a Go template of podman image inspect).
inspect() { "${PODMAN[@]}" image inspect --format "$1" "$IMAGE"; }

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# The server and scratch folder of a smoke test (globals: the EXIT trap runs after smoke returns).
pid=''
scratch=''
smoke_cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; fi
  "${PODMAN[@]}" image unmount "$IMAGE" >/dev/null 2>&1 || true
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
}

smoke() {
  have_image "$IMAGE" || die "no image $IMAGE: run bash scripts/image.sh build first"
  local user uid gid workdir data mnt port log t0 code=0
  user=$(inspect '{{.Config.User}}')
  uid=${user%%:*}
  gid=${user#*:}
  [[ "$uid" =~ ^[0-9]+$ && "$gid" =~ ^[0-9]+$ ]] || die "the image's USER is '$user', not a numeric UID:GID"
  [ "$uid" != 0 ] || die "the image runs as root"
  workdir=$(inspect '{{.Config.WorkingDir}}')
  local -a env entry
  mapfile -t env < <(inspect '{{range .Config.Env}}{{println .}}{{end}}' | sed '/^$/d')
  mapfile -t entry < <(inspect '{{range .Config.Entrypoint}}{{println .}}{{end}}' | sed '/^$/d')
  [ "${#entry[@]}" -gt 0 ] || die "the image has no ENTRYPOINT"
  # The data folder: the image's one VOLUME.
  data=$(inspect '{{range $k, $v := .Config.Volumes}}{{println $k}}{{end}}' | sed '/^$/d')
  [ -n "$data" ] && [ "$(printf '%s\n' "$data" | wc -l)" = 1 ] || die "the image declares not one VOLUME but '$data'"
  port=$(free_port)

  mnt=$("${PODMAN[@]}" image mount "$IMAGE")
  scratch=$(mktemp -d /tmp/mandate-smoke.XXXXXX)
  # The data volume: a fresh folder the image's user owns, as a runtime would mount it.
  install -d -m 0700 -o "$uid" -g "$gid" "$scratch/data"
  install -d -m 1777 "$scratch/tmp"
  log="$scratch/server.log"
  trap smoke_cleanup EXIT
  say "image mounted at $mnt; running ${entry[*]} as $uid:$gid on port $port"
  # The mounts live in a mount namespace of their own; `exec` keeps one process from unshare to
  # node, so $pid is the server's.
  unshare --mount --propagation private sh -c '
    set -e
    mnt=$1 scratch=$2 data=$3 workdir=$4 user=$5
    shift 5
    mount -t proc proc "$mnt/proc"
    mount --bind /dev "$mnt/dev"
    mount --bind "$scratch/tmp" "$mnt/tmp"
    mount --bind "$scratch/data" "$mnt$data"
    exec chroot --userspec="$user" "$mnt" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$workdir" "$@"
  ' - "$mnt" "$scratch" "$data" "${workdir:-/}" "$uid:$gid" \
    /usr/bin/env -i "${env[@]}" "MANDATE_PORT=$port" "${entry[@]}" >"$log" 2>&1 &
  pid=$!

  t0=$SECONDS
  local ok=''
  while [ $((SECONDS - t0)) -lt 60 ]; do
    kill -0 "$pid" 2>/dev/null || break
    if node -e "
      const get = (p) => fetch('http://127.0.0.1:$port' + p).then((r) => { if (!r.ok) throw new Error(p + ' ' + r.status); });
      get('/healthz').then(() => get('/readyz')).then(() => process.exit(0), () => process.exit(1));" 2>/dev/null; then
      ok=1
      break
    fi
    sleep 0.5
  done
  if [ -z "$ok" ]; then
    tail -30 "$log" >&2
    die "the image did not answer /healthz and /readyz on port $port within 60 s"
  fi
  say "/healthz and /readyz answered after $((SECONDS - t0)) s"

  # The image's own HEALTHCHECK command, run beside the server (its mount namespace, its user).
  local -a check
  mapfile -t check < <(inspect '{{range .Config.Healthcheck.Test}}{{println .}}{{end}}' | sed '/^$/d')
  [ "${check[0]:-}" = CMD ] || die "the image has no HEALTHCHECK in exec form (podman build --format docker keeps it)"
  nsenter --mount --target "$pid" chroot --userspec="$uid:$gid" "$mnt" /usr/bin/env -i "${env[@]}" "MANDATE_PORT=$port" \
    "${check[@]:1}" || {
    code=1
    say "the image's HEALTHCHECK (${check[*]:1}) failed"
  }

  # Who the server runs as: every UID and GID of the process is the image's user, none is root.
  local uids gids
  uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
  gids=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
  [ "$uids" = "$uid $uid $uid $uid" ] && [ "$gids" = "$gid $gid $gid $gid" ] || {
    code=1
    say "the server runs as uids $uids gids $gids, not $uid:$gid"
  }
  say "server process $pid: uids $uids, gids $gids; $(tr '\0' ' ' <"/proc/$pid/cmdline")"
  # What it wrote is its user's only: the folder 0700, no file readable by group or others.
  local listing loose
  listing=$(find "$scratch/data" -printf '%m %u:%g %p\n')
  printf '%s\n' "$listing" | sed "s|$scratch/data|$data|" >&2
  [ "$(stat -c %a "$scratch/data")" = 700 ] || {
    code=1
    say "the data folder is not 0700"
  }
  loose=$(find "$scratch/data" -mindepth 1 \( -perm /077 -a -type f \) -printf '%m %p\n')
  [ -z "$loose" ] || {
    code=1
    say "data files readable by others than their owner: $loose"
  }
  [ -n "$(find "$scratch/data" -mindepth 1 -type f -print -quit)" ] || {
    code=1
    say "the server wrote nothing in $data"
  }
  # The application is root's, so the server cannot change its own code; no devDependency is there.
  [ -z "$(find "$mnt/app" -user "$uid" -print -quit)" ] || {
    code=1
    say "files under /app belong to the server's user"
  }
  for dev in typescript tsx vite @biomejs/biome; do
    [ ! -e "$mnt/app/node_modules/$dev/package.json" ] || {
      code=1
      say "devDependency $dev is in the image"
    }
  done
  # A graceful stop: SIGTERM, and the server exits 0.
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  pid=''
  [ "$status" = 0 ] || {
    code=1
    say "the server exited $status after SIGTERM"
    tail -20 "$log" >&2
  }
  [ "$code" = 0 ] || die "smoke test of $IMAGE"
  say "smoke test of $IMAGE passed"
}

case "${1:-}" in
  base) make_base ;;
  build) build ;;
  smoke) smoke ;;
  *)
    echo "usage: bash scripts/image.sh base|build|smoke" >&2
    exit 2
    ;;
esac
