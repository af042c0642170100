#!/usr/bin/env bash
# Draws the gas flame graph of a WRC20 transfer with `iris profile --svg`,
# renders it in Debian's chromium (headless), and checks what the browser
# shows: a screenshot is written, and the rendered document holds the
# function names as drawn text. Needs chromium (apt-get install chromium).
# Usage: scripts/flamegraph-in-chromium.sh [OUT_DIR]  (default: a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
cargo build -q --release -p cli
./target/release/iris profile --metering contracts/wrc20.wat \
    --input 9993021a0000000000000000000000000000000000000000000000000000000000000001 \
    --svg "$out/wrc20.svg" >/dev/null
chromium --headless --no-sandbox --disable-gpu --window-size=1200,400 \
    --screenshot="$out/wrc20.png" "file://$(realpath "$out/wrc20.svg")" 2>/dev/null
test -s "$out/wrc20.png" || { echo "no screenshot" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --dump-dom \
    "file://$(realpath "$out/wrc20.svg")" 2>/dev/null >"$out/wrc20.dom"
for name in main setBalance ethereum.storageStore; do
    if ! grep -q "<text[^>]*>$name </text>" "$out/wrc20.dom"; then
        echo "the rendered flame graph does not show $name" >&2
        exit 1
    fi
done
echo "ok: $out/wrc20.png ($(stat -c %s "$out/wrc20.png") bytes), names drawn: main setBalance ethereum.storageStore"
