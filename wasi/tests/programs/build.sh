#!/usr/bin/env bash
# Rebuild every NAME.wasm in this directory from NAME.c.
# Needs Debian's clang + lld with the wasi-libc and libclang-rt-14-dev-wasm32 packages.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-clang}
for src in *.c; do
    out="${src%.c}.wasm"
    echo "build $out"
    "$CC" --target=wasm32-wasi -O2 -Wall -Wextra -Wl,--strip-debug -o "$out" "$src"
done
