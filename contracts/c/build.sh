#!/usr/bin/env bash
# Rebuilds every NAME.wasm in this directory from NAME.c: Ewasm contracts
# in C, with DWARF (-g) so that profiles can name source lines.
# Needs Debian's clang and lld: apt-get install -y clang lld
# The .wasm files are committed, so this is only needed after editing a source.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CLANG=${CLANG:-clang}
# Plain wasm32 with bulk memory (for memory.copy), freestanding, no libc;
# no floating point (metered contracts refuse it). The debug prefix map
# keeps this machine's path out of the DWARF: files are named as `./NAME.c`.
CFLAGS=(--target=wasm32 -mbulk-memory -nostdlib -ffreestanding -O1 -g
    "-fdebug-prefix-map=$PWD=." -Wall -Wextra -Werror)
# Only `main` and `memory` exported; a small stack in one page of memory.
LDFLAGS=(-Wl,--no-entry -Wl,-z,stack-size=4096 -Wl,--initial-memory=65536)

for src in *.c; do
    echo "clang    $src"
    "$CLANG" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "${src%.c}.wasm" "$src"
done
