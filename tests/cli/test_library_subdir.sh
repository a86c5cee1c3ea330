#!/usr/bin/env bash
# lpmap as a subproject: examples/consumer with -DLPMAP_SOURCE_DIR pulls
# lpmap in with add_subdirectory (no install) and links lpmap::lpmap; the
# result equals the installed-package build's (test_library.sh). Builds
# only the layers the library needs, CPU-only, so it stays quick.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
: "${LPMAP_SOURCE_DIR:?}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

expect_rc 0 cmake -S "$LPMAP_SOURCE_DIR/examples/consumer" -B "$TMP/b" \
    -DLPMAP_SOURCE_DIR="$LPMAP_SOURCE_DIR" -DLPMAP_CUDA=OFF -DCMAKE_BUILD_TYPE=Release
expect_rc 0 cmake --build "$TMP/b" --target consumer -j2
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/sim" --days 1 --sweeps-per-day 20 -q
ER=$(find "$TMP/sim" -name '3D*.TAB' | head -1)
expect_rc 0 "$TMP/b/consumer" "$TMP/out.npz" "$TMP/sim/theta.tab" "$ER"
expect_out '^20 sweeps on cpu, [1-9][0-9]* fitted'
expect_out 'read back identical'
finish
