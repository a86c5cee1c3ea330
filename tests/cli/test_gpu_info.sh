#!/usr/bin/env bash
# lpmap info (docs/decisions.md "GPU"): version, CPU threads, CUDA compiled in or not,
# devices or the reason there are none, what --fast would pick; exit 0;
# bad options refused with exit code 2.
set -u
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$LPMAP_BIN" info
expect_out "^lpmap [0-9]+\.[0-9]+"
expect_out "^CPU threads \(OpenMP\): [0-9]+"
expect_out "^CUDA: (compiled in|not compiled in)"
# the device list: the CPU first, then each GPU, or why there is none
expect_out "^devices: [0-9]+ \(the CPU and [0-9]+ GPUs?\)"
expect_out "^  cpu: [0-9]+ OpenMP threads"
if printf '%s\n' "$OUT" | grep -q "^devices: 1 "; then
    expect_out "^  \(.+\)"
    expect_out "^--fast would fit on the CPU \([0-9]+ threads\): "
else
    expect_out "^  gpu 0: .+ GiB .+compute capability [0-9]+\.[0-9]+"
    expect_out "^--fast would use: device 0 \(.+\), dtype (fp64|mixed|fp32)"
    expect_out "batch size: [0-9]+ loss-cone sweeps"
    expect_rc 0 "$LPMAP_BIN" info --dtype fp64 --batch-size 123
    expect_out "dtype fp64"
    expect_out "batch size: 123 loss-cone sweeps, 123 kappa sweeps \(--batch-size\)"
fi
expect_rc 0 "$LPMAP_BIN" info --help
expect_out "usage: lpmap info"
expect_out "LPMAP_MIN_GPU_SWEEPS"
expect_rc 2 "$LPMAP_BIN" info --dtype fp8
expect_out "invalid --dtype 'fp8'"
expect_rc 2 "$LPMAP_BIN" info --batch-size 0
expect_rc 2 "$LPMAP_BIN" info --device -1
expect_rc 2 "$LPMAP_BIN" info surplus
expect_out "unexpected argument 'surplus'"
finish
