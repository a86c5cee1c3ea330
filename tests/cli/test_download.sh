#!/usr/bin/env bash
# lpmap download (docs/formats.md §6) against a loopback server
# (tests/download_server.py): folder walking and the date filter, resume of
# a truncated transfer and of a left-over .part with Range, retries on 429
# (Retry-After) and 503, skipping complete files, SHA-1 rejection (the bad
# file never reaches its final name), failures giving exit 1, usage errors.
set -u
. "$(dirname "$0")/lib.sh"
SRC=${LPMAP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

expect_rc 2 "$LPMAP_BIN" download --jobs 0
expect_out "invalid value for --jobs"
expect_rc 2 "$LPMAP_BIN" download --what er,planets
expect_out "invalid --what 'er,planets'"
expect_rc 2 "$LPMAP_BIN" download --day 3 --month 4
expect_out "--month needs --year"
expect_rc 2 "$LPMAP_BIN" download --day 3 --year 1998
expect_out "--day needs --month"
expect_rc 2 "$LPMAP_BIN" download stray
expect_out "unexpected argument 'stray'"

# A build without libcurl must say how to get one.
if "$LPMAP_BIN" download --what theta --data-dir /nonexistent --retries 0 \
    --base-url-er http://127.0.0.1:9/ 2>&1 | grep -q "built without libcurl"; then
    expect_rc 1 "$LPMAP_BIN" download --what theta
    expect_out "apt-get install libcurl4-openssl-dev"
    finish
    exit $?
fi
PY=$(command -v python3 || true)
if [ -z "$PY" ]; then
    echo "SKIPPED: no python3 for the test server"
    exit 77
fi

TMP=$(mktemp -d)
[ -n "${KEEP_TMP:-}" ] && echo "tmp: $TMP"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# The served tree: ER folders of two years, ancillary tables, kernels.
W=$TMP/www
mk() { # mk PATH SIZE: file of SIZE pseudo-random bytes
    mkdir -p "$(dirname "$W/$1")"
    head -c "$2" /dev/urandom >"$W/$1"
}
mk er/data-3deleflux/1998/091_120APR/3D980401.TAB 300000
mk er/data-3deleflux/1998/091_120APR/3D980402.TAB 50000
mk er/data-3deleflux/1998/091_120APR/3D980403.TAB 20000
mk er/data-3deleflux/1998/091_120APR/notes.txt 100
mk er/data-3deleflux/1998/121_151MAY/3D980501.TAB 120000
mk er/data-3deleflux/1999/001_031JAN/3D990101.TAB 1000
mk er/data-3deleflux-anc/theta/theta.tab 800
mk geo/lunar/prospectorcd/lp_0019/geometry/attitude.tab 3000
mk geo/missions/lunarp/spice/lpephemu.bsp 40000
for k in lp_ask_980111-980531.bsp lp_ask_980601-981031.bsp lp_ask_981101-990331.bsp \
    lp_ask_990401-990730.bsp; do
    mk "naif/LPM/kernels/spk/$k" 30000
done
mk naif/generic_kernels/lsk/latest_leapseconds.tls 5000
mk naif/generic_kernels/pck/pck00011.tpc 9000
(cd "$W" && find naif geo -type f -exec sha1sum {} +) >"$TMP/good.sha1"
# Same sums, but lpephemu.bsp listed with a wrong one.
sed 's#^[0-9a-f]* \(.*lpephemu.bsp\)$#0000000000000000000000000000000000000000  \1#' \
    "$TMP/good.sha1" >"$TMP/bad.sha1"

cat >"$TMP/faults.json" <<'EOF'
{"/er/data-3deleflux/1998/091_120APR/3D980401.TAB": ["truncate"],
 "/er/data-3deleflux/1998/091_120APR/3D980402.TAB": ["429"],
 "/er/data-3deleflux/1998/091_120APR/3D980403.TAB": ["ignore-range"],
 "/er/data-3deleflux-anc/theta/theta.tab": ["503", "503"],
 "/er/data-3deleflux/1999/": ["503"],
 "/geo/lunar/prospectorcd/lp_0019/geometry/attitude.tab":
   ["503", "503", "503", "503", "503", "503", "503", "503"]}
EOF
LOG=$TMP/requests.log
: >"$LOG"
"$PY" "$SRC/tests/download_server.py" "$W" "$TMP/port" "$LOG" "$TMP/faults.json" 120 &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port" 2>/dev/null)
check "test server started" test -n "$PORT"
URL=http://127.0.0.1:$PORT
D=$TMP/data
COMMON=(--data-dir "$D" --base-url-er "$URL/er" --base-url-naif "$URL/naif"
    --base-url-geo "$URL/geo" --retry-delay 0.05 --jobs 4)
same() { cmp -s "$W/$1" "$D/$2"; }
# Requests the server logged for a path. The server writes its log line
# after answering, so give a just-finished client's last request a moment.
requests() {
    local n=0
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        n=$(grep -c "^GET $1 " "$LOG")
        [ "${2:-}" = "" ] || [ "$n" -ge "$2" ] && break
        sleep 0.1
    done
    echo "$n"
}

# 1. ER April 1998 + theta: truncated body resumed, 429 and 503 retried.
expect_rc 0 "$LPMAP_BIN" download "${COMMON[@]}" --what er,theta --year 1998 --month 4
expect_out "4 downloaded .* 0 already complete, 0 failed, of 4 files"
A=er/data-3deleflux/1998/091_120APR
check "3D980401 (truncated once) complete" same $A/3D980401.TAB 1998/091_120APR/3D980401.TAB
check "3D980402 (429 once) complete" same $A/3D980402.TAB 1998/091_120APR/3D980402.TAB
check "theta.tab (503 twice) complete" same er/data-3deleflux-anc/theta/theta.tab theta.tab
check "resume used a Range request" grep -q "^GET /$A/3D980401.TAB bytes=150000- 206" "$LOG"
check "429 was retried" test "$(requests /$A/3D980402.TAB 2)" -eq 2
check "503 retried twice" test "$(requests /er/data-3deleflux-anc/theta/theta.tab 3)" -eq 3
check "month filter: May not fetched" test ! -e "$D/1998/121_151MAY"
check "May folder not even listed" test "$(requests /er/data-3deleflux/1998/121_151MAY/)" -eq 0
check "non-ER files ignored" test ! -e "$D/1998/091_120APR/notes.txt"
check "no .part left" test -z "$(find "$D" -name '*.part')"

# 2. The same again: everything is skipped, no file is requested again.
before=$(wc -l <"$LOG")
expect_rc 0 "$LPMAP_BIN" download "${COMMON[@]}" --what er,theta --year 1998 --month 4
expect_out "0 downloaded .* 4 already complete, 0 failed"
check "no file transfer on the second run" \
    test "$(tail -n +"$((before + 1))" "$LOG" | grep -c '\.TAB \|theta.tab ')" -eq 0

# 3. A left-over .part is resumed (Range from its size); a server that
#    ignores Range (200) restarts the file cleanly.
mkdir -p "$D/1998/121_151MAY"
head -c 1000 "$W/er/data-3deleflux/1998/121_151MAY/3D980501.TAB" \
    >"$D/1998/121_151MAY/3D980501.TAB.part"
head -c 777 /dev/urandom >"$D/1998/091_120APR/3D980403.TAB.part" # wrong bytes
rm "$D/1998/091_120APR/3D980403.TAB"
expect_rc 0 "$LPMAP_BIN" download "${COMMON[@]}" --what er --year 1998
expect_out "2 downloaded .* 2 already complete, 0 failed, of 4 files"
check "part resumed with Range" grep -q "^GET /er/data-3deleflux/1998/121_151MAY/3D980501.TAB bytes=1000- 206" "$LOG"
check "resumed file identical" same er/data-3deleflux/1998/121_151MAY/3D980501.TAB 1998/121_151MAY/3D980501.TAB
check "Range ignored -> whole file again" same $A/3D980403.TAB 1998/091_120APR/3D980403.TAB
check "the ignored Range was sent" grep -q "^GET /$A/3D980403.TAB bytes=777- 200" "$LOG"

# 4. Index page failing once (503) is retried; --day filter.
expect_rc 0 "$LPMAP_BIN" download "${COMMON[@]}" --what er --year 1999 --month 1 --day 1
check "1999 file" same er/data-3deleflux/1999/001_031JAN/3D990101.TAB 1999/001_031JAN/3D990101.TAB

# 5. Kernels with a wrong SHA-1 for lpephemu.bsp: it fails, is never
#    renamed into place and leaves no .part; the others land; exit 1.
expect_rc 1 "$LPMAP_BIN" download "${COMMON[@]}" --what kernels --sha1-file "$TMP/bad.sha1"
expect_out "SHA-1 mismatch"
expect_out "6 downloaded .* 1 failed, of 7 files"
check "bad kernel not in place" test ! -e "$D/spice_kernels/lpephemu.bsp"
check "bad kernel .part removed" test ! -e "$D/spice_kernels/lpephemu.bsp.part"
check "good kernel in place" same naif/generic_kernels/pck/pck00011.tpc spice_kernels/pck00011.tpc
# With the right sums it completes, the rest verified and skipped.
expect_rc 0 "$LPMAP_BIN" download "${COMMON[@]}" --what kernels --sha1-file "$TMP/good.sha1"
expect_out "1 downloaded .* 6 already complete, 0 failed"
check "kernel now in place" same geo/missions/lunarp/spice/lpephemu.bsp spice_kernels/lpephemu.bsp
# Built-in sums (docs/formats.md §4) reject these fake kernels: a complete file
# that fails its sum is fetched again, and the mismatch is an error.
expect_rc 1 "$LPMAP_BIN" download "${COMMON[@]}" --what kernels --jobs 2 --retries 1
expect_out "7 failed"
check "existing verified-by-override kernel kept on failure" test -e "$D/spice_kernels/lpephemu.bsp"

# 6. A server that keeps failing (503) exhausts the retries: exit 1; a 404
#    fails at once.
expect_rc 1 "$LPMAP_BIN" download "${COMMON[@]}" --what attitude --retries 2
expect_out "HTTP 503"
check "three attempts made" test "$(requests /geo/lunar/prospectorcd/lp_0019/geometry/attitude.tab 3)" -eq 3
check "failed file absent" test ! -e "$D/attitude.tab"
expect_rc 1 "$LPMAP_BIN" download "${COMMON[@]}" --what attitude --base-url-geo "$URL/nowhere"
expect_out "HTTP 404"
expect_rc 1 "$LPMAP_BIN" download "${COMMON[@]}" --what er --year 1998 --base-url-er "$URL/missing"
expect_out "listing .*HTTP 404"
# Nothing listening: connection refused is a failure too.
expect_rc 1 "$LPMAP_BIN" download "${COMMON[@]}" --what theta --retries 1 --base-url-er "http://127.0.0.1:9" \
    --data-dir "$TMP/refused"
expect_out "1 failed"

# 7. --dry-run lists, fetches nothing.
expect_rc 0 "$LPMAP_BIN" download "${COMMON[@]}" --what kernels,attitude --dry-run --data-dir "$TMP/dry"
expect_out "lpephemu.bsp -> .*spice_kernels/lpephemu.bsp  sha1 1eece70640f2d1a2e5c7ad318a15af815819077f"
check "dry run wrote nothing" test ! -e "$TMP/dry"
finish
