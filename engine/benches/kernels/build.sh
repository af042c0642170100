#!/usr/bin/env bash
# Rebuilds every benchmark kernel .wasm in this directory from its source:
# *.c with clang for wasm32 (no libc, no imports), *.wat with wat2wasm.
# Needs Debian's packages: clang, lld (for wasm-ld) and wabt (for wat2wasm).
#   apt-get install -y clang lld wabt
# The .wasm files are committed, so this is only needed after editing a source.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CLANG=${CLANG:-clang}
# Plain wasm32 (MVP features), -O2, freestanding so that clang neither assumes
# a libc nor turns our memcpy/memset loops into calls to themselves.
CFLAGS=(--target=wasm32 -nostdlib -ffreestanding -O2 -Wall -Wextra)
LDFLAGS=(-Wl,--no-entry -Wl,--export=run -Wl,--strip-all)

for src in *.c; do
    echo "clang    $src"
    "$CLANG" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "${src%.c}.wasm" "$src"
done
# wabt >= 1.0.30 has bulk memory on by default and no longer knows the flag.
WATFLAGS=()
if wat2wasm --help | grep -q -- --enable-bulk-memory; then
    WATFLAGS+=(--enable-bulk-memory)
fi
for src in *.wat; do
    echo "wat2wasm $src"
    wat2wasm "${WATFLAGS[@]}" -o "${src%.wat}.wasm" "$src"
done
