#!/usr/bin/env bash
# The layer rule (docs/architecture.md "Layers"): a file in src/<layer> may
# include only its own layer's headers and those of the layers it uses,
# directly or through them, as declared in CMakeLists.txt (written by cmake
# to <build>/layers/rules.txt). The build already refuses upward includes in
# compiled files; this also covers files no target compiles here (.cu
# bodies, headers only CUDA includes) and folders nobody declared.
#   LPMAP_SOURCE_DIR=... LPMAP_LAYER_RULES=<build>/layers/rules.txt test_layers.sh
set -euo pipefail
src=${LPMAP_SOURCE_DIR:?}/src
rules=${LPMAP_LAYER_RULES:?}
[ -s "$rules" ] || { echo "FAIL: no layer rules at $rules"; exit 1; }

declare -A uses
while IFS=: read -r layer deps; do
    [ -n "$layer" ] && uses[$layer]=$deps
done <"$rules"

# Transitive closure of a layer's uses.
closure() {
    local todo=($1) seen=" " l
    while [ ${#todo[@]} -gt 0 ]; do
        l=${todo[0]}
        todo=("${todo[@]:1}")
        case "$seen" in *" $l "*) continue ;; esac
        seen="$seen$l "
        todo+=(${uses[$l]:-})
    done
    echo "$seen"
}

fail=0
for dir in "$src"/*/; do
    layer=$(basename "$dir")
    if [ -z "${uses[$layer]+x}" ]; then
        echo "FAIL: src/$layer is not a layer declared in CMakeLists.txt (lpmap_layer)"
        fail=1
        continue
    fi
    allowed=$(closure "$layer")
    for f in "$dir"*; do
        [ -f "$f" ] || continue
        while IFS=: read -r line inc; do
            to=${inc%%/*}
            [ -d "$src/$to" ] || continue # a system or test header
            case "$allowed" in
            *" $to "*) ;;
            *)
                echo "FAIL: src/$layer/$(basename "$f"):$line includes \"$inc\": layer $layer may use only:$allowed"
                fail=1
                ;;
            esac
        done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
            sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2/' || true)
    done
done
[ $fail -eq 0 ] && echo "layers: every include goes to its own layer or a lower one it uses"

# The checker itself catches an upward include, a transitive use that is
# allowed, and an undeclared folder (a small tree made up here).
if [ -z "${LPMAP_LAYERS_SELFTEST:-}" ]; then
    t=$(mktemp -d)
    trap 'rm -rf "$t"' EXIT
    mkdir -p "$t/src/core" "$t/src/fit" "$t/src/gpu"
    printf 'core: \nfit: core\ngpu: fit\n' >"$t/rules.txt"
    printf '#include "core/a.h"\n' >"$t/src/gpu/ok.c" # through fit: allowed
    run_self() { LPMAP_LAYERS_SELFTEST=1 LPMAP_SOURCE_DIR=$t LPMAP_LAYER_RULES=$t/rules.txt bash "$0" 2>&1; }
    if ! out=$(run_self); then
        echo "FAIL: self-test: a clean tree was refused: $out"
        fail=1
    fi
    printf '#include <stdio.h>\n#include "gpu/b.h"\n' >"$t/src/core/bad.h"
    if out=$(run_self) || ! grep -q 'src/core/bad.h:2 includes "gpu/b.h"' <<<"$out"; then
        echo "FAIL: self-test: an upward include was not reported: $out"
        fail=1
    fi
    rm "$t/src/core/bad.h"
    mkdir "$t/src/extra"
    if out=$(run_self) || ! grep -q 'src/extra is not a layer' <<<"$out"; then
        echo "FAIL: self-test: an undeclared folder was not reported: $out"
        fail=1
    fi
    [ $fail -eq 0 ] && echo "layers: the checker reports an upward include and an undeclared folder"
fi
exit $fail
