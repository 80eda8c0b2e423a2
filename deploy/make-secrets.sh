#!/usr/bin/env bash
# Writes the secrets deploy/compose.yaml reads, once (never overwrites one):
#   mandate.kek        the key-encryption key every replica shares (base64 of 32 random bytes)
#   postgres-password  the password of PostgreSQL's user mandate
#   mandate-db.json    Mandate's configuration file (MANDATE_CONFIG) with MANDATE_DB and that password
# Each 0600; as root, Mandate's two are given to the image's user (UID 10001), whom the server
# runs as and who must be their only reader. Usage: bash deploy/make-secrets.sh [folder, default deploy/secrets]
set -euo pipefail
dir=${1:-"$(dirname "$0")/secrets"}
umask 077
mkdir -p "$dir"
for f in mandate.kek postgres-password mandate-db.json; do
  if [ -e "$dir/$f" ]; then
    echo "$dir/$f exists; not overwriting a secret (remove it first to make a new one)" >&2
    exit 1
  fi
done
head -c 32 /dev/urandom | base64 >"$dir/mandate.kek"
password=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
printf '%s\n' "$password" >"$dir/postgres-password"
printf '{ "MANDATE_DB": "postgres://mandate:%s@postgres:5432/mandate" }\n' "$password" >"$dir/mandate-db.json"
if [ "$(id -u)" = 0 ]; then chown 10001:10001 "$dir/mandate.kek" "$dir/mandate-db.json"; fi
echo "wrote $dir/mandate.kek, $dir/postgres-password and $dir/mandate-db.json" >&2
