#!/usr/bin/env bash
# CLI contract (docs/usage.md): --help everywhere, --version, unknown
# commands/flags and bad values refused with one line and exit code 2.
set -u
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$LPMAP_BIN" --help
expect_out "usage: lpmap COMMAND"
expect_rc 0 "$LPMAP_BIN" --version
expect_out "lpmap [0-9]"
expect_rc 2 "$LPMAP_BIN"
expect_rc 2 "$LPMAP_BIN" frobnicate
expect_out "unknown command 'frobnicate'"
for cmd in batch simulate plot download info bench spice; do
    expect_rc 0 "$LPMAP_BIN" "$cmd" --help
    expect_out "usage: lpmap $cmd"
done
expect_rc 2 "$LPMAP_BIN" batch --no-such-flag
expect_out "unknown or incomplete option '--no-such-flag'"
expect_rc 2 "$LPMAP_BIN" batch --month 13 --year 1998
expect_out "invalid value for --month: 13"
expect_rc 2 "$LPMAP_BIN" batch --day 0 --month 1 --year 1998
expect_rc 2 "$LPMAP_BIN" batch --year abc
expect_out "not an integer"
expect_rc 2 "$LPMAP_BIN" batch --losscone-fit-method chebyshev
expect_out "invalid --losscone-fit-method 'chebyshev'"
expect_rc 2 "$LPMAP_BIN" batch --dtype fp8
expect_rc 2 "$LPMAP_BIN" batch --beam-amp-fixed 9
expect_out "allowed: 0 to 5"
expect_rc 2 "$LPMAP_BIN" batch --day 3
expect_out "--day needs --month"
expect_rc 2 "$LPMAP_BIN" batch --threads 0
expect_rc 2 "$LPMAP_BIN" batch --physics newton
expect_out "invalid --physics 'newton' \(consistent, reference\)"
expect_rc 2 "$LPMAP_BIN" batch --usc-reject-phi 0.5
# a consistent-only option with the reference physics: one line, exit 2
expect_rc 2 "$LPMAP_BIN" batch --physics reference --usc-reject-phi 50
expect_out "--usc-reject-phi needs --physics consistent"
expect_rc 2 "$LPMAP_BIN" batch --physics reference --usc-core-prior off
expect_out "--usc-core-prior needs --physics consistent"
expect_rc 2 "$LPMAP_BIN" batch --usc-core-prior maybe
expect_out "invalid --usc-core-prior 'maybe' \\(on, off\\)"
check "one line" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1
expect_rc 2 "$LPMAP_BIN" batch --seed -1
expect_rc 2 "$LPMAP_BIN" bench
expect_rc 2 "$LPMAP_BIN" bench nosuchsuite
expect_out "unknown suite"
finish
