#!/usr/bin/env bash
# Create the passphrase that encrypts this checkout's stack secrets, once, unless the user brings
# their own through PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.
set -euo pipefail

if [[ -n "${PULUMI_CONFIG_PASSPHRASE:-}" || -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
  exit 0
fi

passphrase_file="$(dirname "$0")/../.pulumi-state/passphrase"
if [[ ! -f "$passphrase_file" ]]; then
  umask 077
  mkdir -p "$(dirname "$passphrase_file")"
  head -c 32 /dev/urandom | base64 > "$passphrase_file"
  echo "Created $passphrase_file, which encrypts this stack's secrets. Back it up with the state:" \
       "without it the signing secret in the state cannot be decrypted." >&2
fi
