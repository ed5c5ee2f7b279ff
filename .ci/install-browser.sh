#!/bin/sh
# Installs Debian's chromium for the preview's browser tests (tests/acceptance/preview) and for
# `packager preview --screenshot`. Idempotent; needs root (apt), and says so politely otherwise.
# Playwright for Python drives it by executable path: Playwright's own browser download is
# neither used nor needed.
set -eu

if command -v chromium >/dev/null 2>&1; then
    echo "install-browser: chromium is already installed ($(command -v chromium))"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: not root, skipping; install it with: sudo apt-get install chromium" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium  # recommends bring the fonts the page needs
echo "install-browser: installed $(chromium --version 2>/dev/null || echo chromium)"
