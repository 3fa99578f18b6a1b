#!/usr/bin/env bash
# The generator's budgets, measured as a user meets them (release build, whole process,
# median), with openapi-generator's rust-axum on the same spec for context.
#
#   bash bench/compare.sh [--runs N] [--skip-oag] [--skip-cold]
#
#   1. omnichannel.yaml -> formatted crate on disk: median time and peak memory
#      (budget: 100 ms, 100 MB);
#   2. the twelve Rocket.Chat documents merged into one crate (budget: 400 ms);
#   3. a synthetic 13 MB, ~1,200-operation description (bench/make-large-spec.py; budget: 2 s,
#      1 GB);
#   4. `cargo xtask codegen --check`: warm (budget: 1 s) and on a fresh clone with an empty
#      target directory, crates already downloaded (budget: 25 s);
#   5. openapi-generator 7.26.0 rust-axum on omnichannel.yaml (not a budget: context).
#
# Installs what it needs: hyperfine and /usr/bin/time from Debian when missing (as root), and
# openapi-generator-cli (PyPI, pinned) with a Java runtime for step 5. Writes under
# target/bench/ only. The specs are read from ../shared/specs/rocketchat/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=20 SKIP_OAG=0 SKIP_COLD=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --skip-oag) SKIP_OAG=1; shift ;;
        --skip-cold) SKIP_COLD=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
SPECS=$ROOT/../shared/specs/rocketchat
OUT=$ROOT/target/bench
mkdir -p "$OUT"
export CARGO_TERM_COLOR=never

have() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
    [ "$(id -u)" = 0 ] || return 0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; } || true
}
have hyperfine || apt_install hyperfine
[ -x /usr/bin/time ] || apt_install time
have hyperfine || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

cargo build --release -q -p xtask
XTASK=$ROOT/target/release/xtask
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)"

SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
# median NAME RUNS CMD...: the median wall time in seconds (hyperfine), recorded as NAME.
median() {
    local name=$1 runs=$2; shift 2
    hyperfine -N -i --style none --runs "$runs" --warmup 1 --export-json "$OUT/$name.json" \
        "$(printf '%q ' "$@")" >/dev/null 2>&1
    echo "$name $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$OUT/$name.json")" >>"$SUMMARY"
}
# peak NAME CMD...: the peak resident memory in MB, recorded as NAME.
peak() {
    local name=$1; shift
    /usr/bin/time -f '%M' -o "$OUT/mem.txt" "$@" >/dev/null 2>&1 || true
    echo "$name $(( $(tail -1 "$OUT/mem.txt") / 1024 ))" >>"$SUMMARY"
}

echo "== 1. omnichannel.yaml"
OMNI=(generate --spec "$SPECS/omnichannel.yaml" --out "$OUT/omnichannel" --name omnichannel-api)
median omnichannel "$RUNS" "$XTASK" "${OMNI[@]}"
peak omnichannel_mb "$XTASK" "${OMNI[@]}"

echo "== 2. the twelve documents merged"
TWELVE=(generate --out "$OUT/twelve" --name twelve-api)
for f in "$SPECS"/*.yaml; do TWELVE+=(--spec "$f"); done
median twelve "$RUNS" "$XTASK" "${TWELVE[@]}"

echo "== 3. large description"
LARGE=$OUT/large-spec.json
[ -f "$LARGE" ] || python3 bench/make-large-spec.py "$LARGE" >/dev/null
median large 5 "$XTASK" generate --spec "$LARGE" --out "$OUT/large" --name large-api
peak large_mb "$XTASK" generate --spec "$LARGE" --out "$OUT/large" --name large-api

echo "== 4. drift check"
cargo build -q -p xtask
median check_warm "$RUNS" cargo xtask codegen --check
if [ "$SKIP_COLD" = 0 ]; then
    rm -rf "$OUT/fresh"
    git clone -q "$ROOT" "$OUT/fresh"
    (cd "$OUT/fresh" && cargo fetch -q)
    start=$(date +%s.%N)
    (cd "$OUT/fresh" && cargo xtask codegen --check >/dev/null)
    echo "check_cold $(python3 -c "print($(date +%s.%N) - $start)")" >>"$SUMMARY"
    rm -rf "$OUT/fresh"
fi

if [ "$SKIP_OAG" = 0 ]; then
    echo "== 5. openapi-generator rust-axum (context)"
    have java || apt_install default-jre-headless
    if [ ! -x bench/.venv/bin/openapi-generator-cli ]; then
        python3 -m venv bench/.venv
        bench/.venv/bin/pip install -q "openapi-generator-cli==7.26.0"
    fi
    OAG=(bench/.venv/bin/openapi-generator-cli generate -g rust-axum -i "$SPECS/omnichannel.yaml" -o "$OUT/oag")
    median oag 3 "${OAG[@]}"
    peak oag_mb "${OAG[@]}"
fi

echo
python3 - "$SUMMARY" <<'PY'
import sys
f = {k: float(v) for k, v in (line.split() for line in open(sys.argv[1]))}
rows = [
    ("omnichannel.yaml -> crate", "omnichannel", 0.100, "omnichannel_mb", 100),
    ("twelve documents merged", "twelve", 0.400, None, None),
    ("13 MB description", "large", 2.0, "large_mb", 1024),
    ("codegen --check, warm", "check_warm", 1.0, None, None),
    ("codegen --check, fresh clone", "check_cold", 25.0, None, None),
]
print(f"{'':32} {'median':>10} {'budget':>8} {'peak':>8} {'budget':>8}  verdict")
for label, t, tb, m, mb in rows:
    if t not in f:
        continue
    ok = f[t] <= tb and (m is None or f[m] <= mb)
    mem = f"{f[m]:.0f} MB" if m else "-"
    membudget = f"{mb} MB" if m else "-"
    print(f"{label:32} {f[t]*1000:8.0f} ms {tb*1000:6.0f} ms {mem:>8} {membudget:>8}  {'met' if ok else 'NOT met'}")
if "oag" in f:
    print(f"{'openapi-generator rust-axum':32} {f['oag']*1000:8.0f} ms {'':>9} {f['oag_mb']:5.0f} MB"
          f"   ({f['oag'] / f['omnichannel']:.0f}x this generator's time on omnichannel.yaml)")
PY
