#!/usr/bin/env bash
# Installs the servers the publish tests start on 127.0.0.1 (idempotent; safe to run twice):
#   - OpenSSH's sshd (Debian package openssh-server) for the SFTP tests,
#   - wsgidav + cheroot (WebDAV) and moto[server] (S3) into the project's virtualenv.
# Usage: .ci/install-test-servers.sh [path/to/python]   (default: .venv/bin/python)
set -euo pipefail

PYTHON="${1:-.venv/bin/python}"

if ! command -v sshd >/dev/null 2>&1 && [ ! -x /usr/sbin/sshd ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends openssh-server openssh-client
fi
# sshd's privilege-separation folder (the tests create it too when run as root).
if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd && chmod 0755 /run/sshd; fi

"$PYTHON" -m pip install --quiet "moto[server]>=5.2.5,<5.3" "wsgidav>=4.3,<5" "cheroot>=10,<12"

# moto's PutObject must answer 412 to conditional writes (the feed swap relies on it).
"$PYTHON" - <<'PY'
import moto
print(f"moto {moto.__version__}; sshd and WebDAV server ready")
PY
