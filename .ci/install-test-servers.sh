#!/usr/bin/env bash
# Installs the system programs the tests use for real (idempotent; safe to run twice):
#   - OpenSSH's sshd, started on 127.0.0.1 by the SFTP publish tests;
#   - espeak-ng, the offline text-to-speech the video renderer narrates with;
#   - DejaVu fonts, which cover Latin, Greek, Cyrillic, Arabic and Persian for video text.
# The WebDAV (wsgidav) and S3 (moto) servers are Python packages in the `dev` extra.
set -euo pipefail

missing=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || missing+=(openssh-server openssh-client)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "note: not root, so not installing ${missing[*]}; the tests that need them will say so" >&2
  fi
fi
# sshd's privilege-separation folder.
if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd && chmod 0755 /run/sshd; fi
exit 0
