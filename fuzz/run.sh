#!/usr/bin/env bash
# Runs fuzz targets one after another, SECONDS each (default 600), and
# prints each one's final libFuzzer line. Usage: fuzz/run.sh [SECONDS] [TARGET...]
# Needs `cargo install cargo-fuzz`; stable Rust works (no sanitizer).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(translate execute differential ewasm wasi_paths statetest)
fi
mkdir -p logs
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    status=0
    cargo fuzz run -s none "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
        >"logs/$t.log" 2>&1 || status=$?
    echo "$t: exit $status: $(grep -E '^Done [0-9]+ runs' "logs/$t.log" || tail -1 "logs/$t.log")"
done
