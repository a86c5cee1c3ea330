#!/usr/bin/env bash
# Fault behaviour of lpmap batch (docs/decisions.md "Hardening"): read-only and full output
# file systems, SIGINT/SIGTERM once fitting has started, a kernel that
# disappears between discovery and load, the final name taken by a folder,
# and a corrupted day file in the middle of a month. Every case: a clear
# message, the right exit code, nothing under the final name after a
# failure and no temporary file left behind. Cases needing `mount` (root,
# tmpfs) skip with a message where it is not permitted.
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d)
MOUNTS=()
cleanup() {
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
"$LPMAP_BIN" simulate --out "$T/sim" --days 5 --sweeps-per-day 40 --quiet >/dev/null 2>&1 ||
    { echo "FAIL: lpmap simulate failed"; exit 1; }
NAME=potential_batch_all.npz
run_batch() { "$LPMAP_BIN" batch --data-dir "$T/sim" --threads 1 "$@"; }
# The output folder holds nothing but (optionally) the named files.
only_files() {
    local dir=$1
    shift
    local left
    left=$(ls -A "$dir" 2>/dev/null)
    for f in "$@"; do left=$(printf '%s\n' "$left" | grep -vx -- "$f"); done
    [ -z "$left" ]
}
try_mount() { # try_mount DIR OPTIONS
    mkdir -p "$1"
    if mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null; then
        MOUNTS+=("$1")
        return 0
    fi
    return 1
}

# --- unwritable output -------------------------------------------------
# (tests run as root, so chmod does not stop writes: a read-only tmpfs does.)
if try_mount "$T/ro" "ro,size=64k"; then
    expect_rc 1 run_batch --output-dir "$T/ro"
    expect_out "$T/ro"
    expect_out "[Rr]ead-only file system|cannot (create|open|write)"
    check "read-only: nothing written" only_files "$T/ro"
    expect_rc 1 run_batch --output-dir "$T/ro/sub"
    expect_out "cannot create output folder"
    check "read-only: no subfolder" test ! -e "$T/ro/sub"
else
    echo "note: read-only output case skipped: cannot mount a tmpfs here (not root?)"
fi
# parent of the output folder is a regular file (works without mount)
touch "$T/plainfile"
expect_rc 1 run_batch --output-dir "$T/plainfile/out"
expect_out "cannot create output folder"

# --- disk full ----------------------------------------------------------
# A 64 KiB tmpfs; the month's NPZ is far larger.
if try_mount "$T/full" "size=64k"; then
    expect_rc 1 run_batch --output-dir "$T/full"
    expect_out "No space left on device|disk full|cannot write"
    check "disk full: no file under the final name" test ! -e "$T/full/$NAME"
    check "disk full: no temporary file left" only_files "$T/full"
    check "disk full: space given back" test "$(df --output=used -k "$T/full" | tail -n 1 | tr -d ' ')" -le 4
else
    echo "note: disk-full case skipped: cannot mount a tmpfs here (not root?)"
fi

# --- the final name is taken by a folder (rename fails) -----------------
mkdir -p "$T/dirout/$NAME/keep"
expect_rc 1 run_batch --output-dir "$T/dirout" --overwrite
expect_out "$NAME"
check "folder under the final name untouched" test -d "$T/dirout/$NAME/keep"
check "rename failure: no temporary file left" only_files "$T/dirout" "$NAME"

# --- SIGINT / SIGTERM once fitting has started --------------------------
"$LPMAP_BIN" simulate --out "$T/big" --days 4 --sweeps-per-day 1080 --quiet >/dev/null 2>&1
for sig in INT TERM; do
    out="$T/sig$sig"
    "$LPMAP_BIN" batch --data-dir "$T/big" --output-dir "$out" --threads 1 >"$T/$sig.log" 2>&1 &
    pid=$!
    # wait until the first day has been fitted, so the signal lands inside
    # the fitting of a later day (up to 3 minutes: a loaded CI machine)
    started=0
    for _ in $(seq 1 3600); do
        if grep -q 'TAB: .* fitted' "$T/$sig.log" 2>/dev/null; then started=1; break; fi
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
    done
    check "SIG$sig: the run reached fitting before the signal" test "$started" -eq 1
    kill -$sig $pid 2>/dev/null
    wait $pid
    rc=$?
    check "SIG$sig exits non-zero (got $rc)" test "$rc" -ne 0
    check "SIG$sig: no file under the final name" test ! -e "$out/$NAME"
    check "SIG$sig: no temporary file left" only_files "$out"
    OUT=$(cat "$T/$sig.log")
    LAST="batch interrupted by SIG$sig"
    expect_out "interrupt|cancel|signal"
done

# --- a kernel disappears between discovery and load ---------------------
# A dangling link is exactly that: listed by the folder scan, gone at open.
cp -r "$T/sim/spice_kernels" "$T/kern"
ln -s "$T/deleted.bsp" "$T/kern/zz_deleted.bsp"
expect_rc 1 run_batch --kernels "$T/kern" --output-dir "$T/kout"
expect_out "zz_deleted.bsp"
check "missing kernel: nothing written" test ! -e "$T/kout/$NAME"
rm "$T/kern/zz_deleted.bsp"
# ... or is truncated to nothing while we were not looking
: >"$T/kern/sim_lp_orbit.bsp"
expect_rc 1 run_batch --kernels "$T/kern" --output-dir "$T/kout"
expect_out "sim_lp_orbit.bsp"
check "empty kernel: nothing written" test ! -e "$T/kout/$NAME"

# --- a corrupted day file in the middle of the month -------------------
days=$(find "$T/sim" -name '3D*.TAB' | sort)
mid=$(printf '%s\n' "$days" | sed -n 3p)
midname=$(basename "$mid")
# binary garbage over the middle of the file: lines break mid-number
size=$(stat -c %s "$mid")
head -c 3000 /dev/zero | tr '\0' '\377' | dd of="$mid" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect_rc 0 run_batch --output-dir "$T/mid"
expect_out "$midname"
expect_out "problems in: .*$midname"
for f in $days; do
    [ "$f" = "$mid" ] && continue
    expect_out "$(basename "$f"): [0-9]+ rows, [0-9]+ sweeps, [0-9]+ fitted"
done
expect_out "done: 5 files|5 of 5 files read"
check "corrupted day: the month is written" test -s "$T/mid/$NAME"
check "corrupted day: no temporary file left" only_files "$T/mid" "$NAME"
finish
