#!/usr/bin/env bash
# Install the Debian packages lpmap needs, when missing. Without root (and no
# sudo) it prints the exact apt-get line and exits 1.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --check  only report what is missing
set -euo pipefail
PKGS=(build-essential cmake pkg-config zlib1g-dev librandom123-dev libcmocka-dev
      python3-numpy python3-jplephem libcairo2-dev libcurl4-openssl-dev
      libnetcdf-dev netcdf-bin python3-netcdf4)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "--check" ]; then
    echo "missing packages: ${missing[*]}"
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "lpmap needs: apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
