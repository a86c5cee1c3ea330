#!/usr/bin/env bash
# The installable library (docs/library.md): `cmake --install` lays out
# bin/lpmap, liblpmap.so/.a, lpmap.h, the CMake package and lpmap.pc;
# examples/consumer builds against the installed package (find_package)
# and through pkg-config, fits sweeps of a simulated day and reports
# library errors as one line with exit 1; liblpmap.so exports only lpmap_*.
# The same consumer built with add_subdirectory is test_library_subdir.sh.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
: "${LPMAP_BUILD_DIR:?}" "${LPMAP_SOURCE_DIR:?}"
TMP=$(mktemp -d)
# Sanitizer builds: the ASan runtime preloaded into the consumers.
run() { if [ -n "${LPMAP_PRELOAD:-}" ]; then LD_PRELOAD=$LPMAP_PRELOAD "$@"; else "$@"; fi; }
trap 'rm -rf "$TMP"' EXIT
P=$TMP/prefix

expect_rc 0 cmake --install "$LPMAP_BUILD_DIR" --prefix "$P"
for f in bin/lpmap include/lpmap.h lib/liblpmap.a lib/cmake/lpmap/lpmapConfig.cmake \
    lib/cmake/lpmap/lpmapConfigVersion.cmake lib/pkgconfig/lpmap.pc; do
    expect_rc 0 test -f "$P/$f"
done
expect_rc 0 test -e "$P/lib/liblpmap.so"

# Exported symbols: the API and nothing else.
expect_rc 0 sh -c "nm -D --defined-only '$P/lib/liblpmap.so' | awk '\$2 ~ /^[TDBR]\$/ {print \$3}' | grep -v '^lpmap_' | grep -v '^_' | head -5"
[ -z "$OUT" ] && PASSED=$((PASSED + 1)) || {
    FAILED=$((FAILED + 1))
    echo "FAIL: liblpmap.so exports non-API symbols: $OUT" >&2
}
expect_rc 0 sh -c "nm -D --defined-only '$P/lib/liblpmap.so' | grep -c ' T lpmap_session_fit_losscone\$'"

# A day of simulated data (20 sweeps).
expect_rc 0 "$P/bin/lpmap" simulate --out "$TMP/sim" --days 1 --sweeps-per-day 20 -q
ER=$(find "$TMP/sim" -name '3D*.TAB' | head -1)

# The consumer, built with find_package(lpmap).
expect_rc 0 cmake -S "$LPMAP_SOURCE_DIR/examples/consumer" -B "$TMP/cons" -DCMAKE_PREFIX_PATH="$P"
expect_rc 0 cmake --build "$TMP/cons"
expect_rc 0 run "$TMP/cons/consumer" "$TMP/out.npz" "$TMP/sim/theta.tab" "$ER"
expect_out '^20 sweeps on cpu, [1-9][0-9]* fitted'
expect_out 'read back identical'
expect_rc 0 test -f "$TMP/out.npz"
# A missing input: one line from lpmap_last_error, exit 1, no output written.
expect_rc 1 run "$TMP/cons/consumer" "$TMP/none.npz" "$TMP/sim/theta.tab" "$TMP/missing.TAB"
expect_out 'consumer: reading sweeps: .*missing.TAB.*\(io\)'
expect_rc 1 test -e "$TMP/none.npz"
expect_rc 1 run "$TMP/cons/consumer" "$TMP/none.npz" "$TMP/sim/no-theta.tab" "$ER"
expect_out 'no-theta.tab'

# The same program through pkg-config against the shared library.
export PKG_CONFIG_PATH=$P/lib/pkgconfig
if command -v pkg-config >/dev/null; then
    expect_rc 0 sh -c "cc -std=c11 -o '$TMP/pc' '$LPMAP_SOURCE_DIR/examples/consumer/main.c' \$(pkg-config --cflags --libs lpmap) -Wl,-rpath,'$P/lib'"
    expect_rc 0 run "$TMP/pc" "$TMP/out2.npz" "$TMP/sim/theta.tab" "$ER"
    expect_out 'read back identical'
    expect_rc 0 cmp "$TMP/out.npz" "$TMP/out2.npz"
else
    echo "FAIL: pkg-config not installed (scripts/install-deps.sh installs it)" >&2
    FAILED=$((FAILED + 1))
fi
finish
