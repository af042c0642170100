#!/usr/bin/env bash
# Fetches the test data the tests read: the WebAssembly 2.0 spec scripts and
# the Ewasm state-test vectors, pinned by commit and checked by SHA-256 in
# scripts/testdata.sha256, into testdata/ (ignored by git) with the layout
# of ../shared:
#
#   testdata/wasm-testsuite/core/*.wast
#   testdata/ewasm-tests/GeneralStateTests/stEWASMTests/*.json
#   testdata/ewasm-tests/ewasm-benchmarking/ewasm/filled/*.json
#
# Nothing is fetched when the data is already there: in $IRIS_SPEC_DIR and
# $IRIS_EWASM_TESTS, in ../shared beside the checkout, or in a testdata/
# installed from the same manifest whose every file still has its checksum
# (a deleted or edited file is fetched again, with the rest). `--fetch`
# fetches anyway (into testdata/, which the tests read last).
#
# The install is all or nothing: every file is downloaded into a scratch
# folder beside testdata/ and checked; only when all match is the folder
# renamed to testdata/. A failed download or a wrong checksum leaves the
# previous testdata/ (or none) as it was.
#
# Environment (for mirrors and tests):
#   IRIS_TESTDATA_MIRROR    base URL, default https://raw.githubusercontent.com
#                           (curl: file:// works too); a file's URL is
#                           $IRIS_TESTDATA_MIRROR/OWNER/REPO/COMMIT/PATH
#   IRIS_TESTDATA_MANIFEST  the manifest, default scripts/testdata.sha256
#   IRIS_TESTDATA_DIR       where to install, default testdata/ in the checkout
#
# Needs bash, curl and sha256sum (coreutils).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
mirror="${IRIS_TESTDATA_MIRROR:-https://raw.githubusercontent.com}"
manifest="${IRIS_TESTDATA_MANIFEST:-$root/scripts/testdata.sha256}"
dest="${IRIS_TESTDATA_DIR:-$root/testdata}"
fetch_anyway=false

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    echo "Usage: scripts/testdata.sh [--fetch]"
}

for arg in "$@"; do
    case "$arg" in
        --fetch) fetch_anyway=true ;;
        -h | --help) usage; exit 0 ;;
        *) echo "testdata.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
    esac
done

# A spec-suite folder: the one the variable names, or ../shared's.
have_spec() {
    if [[ -n "${IRIS_SPEC_DIR:-}" ]]; then
        [[ -d "$IRIS_SPEC_DIR" ]] && echo "IRIS_SPEC_DIR=$IRIS_SPEC_DIR"
    elif [[ -d "$root/../shared/wasm-testsuite/core" ]]; then
        echo "$(cd "$root/../shared/wasm-testsuite/core" && pwd)"
    fi
}

# A state-test folder: the one the variable names, or ../shared's.
have_vectors() {
    if [[ -n "${IRIS_EWASM_TESTS:-}" ]]; then
        [[ -d "$IRIS_EWASM_TESTS" ]] && echo "IRIS_EWASM_TESTS=$IRIS_EWASM_TESTS"
    elif [[ -d "$root/../shared/ewasm-tests" ]]; then
        echo "$(cd "$root/../shared/ewasm-tests" && pwd)"
    fi
}

if ! $fetch_anyway; then
    spec="$(have_spec || true)"
    vectors="$(have_vectors || true)"
    if [[ -n "$spec" && -n "$vectors" ]]; then
        echo "testdata.sh: test data present, nothing fetched:"
        echo "  spec scripts: $spec"
        echo "  state tests:  $vectors"
        exit 0
    fi
fi

[[ -f "$manifest" ]] || { echo "testdata.sh: no manifest $manifest" >&2; exit 1; }
for tool in curl sha256sum; do
    command -v "$tool" >/dev/null || { echo "testdata.sh: needs $tool" >&2; exit 1; }
done

# The manifest's lines: a checksum list for sha256sum, and curl's config.
sums_text=""
config_text=""
files=0
while read -r sum source path; do
    [[ -z "$sum" || "$sum" == \#* ]] && continue
    if [[ ! "$sum" =~ ^[0-9a-f]{64}$ || -z "$path" || "$path" == /* || "$path" == *..* ]]; then
        echo "testdata.sh: $manifest: malformed line: $sum $source $path" >&2
        exit 1
    fi
    config_text+="url = \"$mirror/$source\""$'\n'"output = \"@SCRATCH@/$path\""$'\n'
    sums_text+="$sum  $path"$'\n'
    files=$((files + 1))
done <"$manifest"
[[ $files -gt 0 ]] || { echo "testdata.sh: $manifest lists no file" >&2; exit 1; }

# An install is trusted only if every file it should hold is there with
# its checksum (a deleted or edited file means fetching again); the
# manifest's own checksum, in .manifest-sha256, says which manifest it
# came from. `--fetch` fetches whatever is there.
stamp="$(sha256sum <"$manifest" | cut -d' ' -f1)"
if ! $fetch_anyway && [[ -f "$dest/.manifest-sha256" ]]; then
    if [[ "$(cat "$dest/.manifest-sha256")" == "$stamp" ]] &&
        (cd "$dest" && sha256sum --check --quiet --status - <<<"$sums_text"); then
        echo "testdata.sh: $dest is installed from this manifest and intact, nothing fetched"
        exit 0
    fi
    echo "testdata.sh: $dest differs from the manifest (a file missing, edited, or another manifest): fetching again"
fi

mkdir -p "$(dirname "$dest")"
scratch="$(mktemp -d "$(dirname "$dest")/.testdata.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# One curl for all files (one connection), then one check of all sums.
config="$scratch/.curl"
sums="$scratch/.sums"
printf '%s' "${config_text//@SCRATCH@/$scratch}" >"$config"
printf '%s' "$sums_text" >"$sums"

echo "testdata.sh: fetching $files files from $mirror"
if ! curl --fail --silent --show-error --location --create-dirs --retry 3 \
    --fail-early --config "$config"; then
    echo "testdata.sh: download failed; nothing installed. Is $mirror reachable? Without" >&2
    echo "  network, point IRIS_TESTDATA_MIRROR at a copy of its layout (file:// works), or" >&2
    echo "  IRIS_SPEC_DIR and IRIS_EWASM_TESTS at the data, and run scripts/testdata.sh again." >&2
    exit 1
fi
if ! bad="$(cd "$scratch" && sha256sum --check --quiet .sums 2>&1)"; then
    echo "testdata.sh: checksum mismatch, nothing installed:" >&2
    echo "$bad" >&2
    exit 1
fi
rm -f "$config" "$sums"
echo "$stamp" >"$scratch/.manifest-sha256"
chmod 755 "$scratch"

# Swap in: the old install (if any) moves aside, the new one takes its name.
if [[ -e "$dest" ]]; then
    old="$(mktemp -d "$(dirname "$dest")/.testdata-old.XXXXXX")"
    mv "$dest" "$old/"
    mv "$scratch" "$dest"
    rm -rf "$old"
else
    mv "$scratch" "$dest"
fi
trap - EXIT
echo "testdata.sh: installed $files files in $dest"
