#!/usr/bin/env bash
# Generation speed, memory and output build cost: this generator against openapi-generator.
#
#   bash bench/compare.sh [--runs N] [--spec FILE] [--skip-oag] [--skip-gen] [--skip-check]
#                         [--skip-codegen] [--skip-large]
#
# In one run, on the same spec (default ../shared/specs/rocketchat/omnichannel.yaml):
#   1. whole-process generation time (hyperfine, N runs of ours, one of openapi-generator's
#      rust-axum, which takes seconds, per round: rounds of the three alternate, so all three
#      see the same machine) and peak memory (/usr/bin/time), with the ratio; the floor
#      (parsing the spec into openapiv3::OpenAPI, nothing else) for reference; each
#      stage's wall clock within a run (`xtask generate --timings`, median over N runs);
#   2. the generated crate's build cost: `cargo check` of the crate alone (dependencies built
#      first), types-only and --all-features, and its line count, beside rust-axum's output;
#   3. `cargo xtask codegen --check` on the built workspace;
#   4. a large spec: a synthetic ~13 MB, ~1,200-operation document (bench/make-large-spec.py,
#      shaped like GitHub's REST API description, which cannot be downloaded here);
# then each target of issue 7 with the figure measured for it and whether it is met.
#
# Installs what it needs: openapi-generator-cli (PyPI, pinned) into bench/.venv, hyperfine and a
# Java runtime from Debian when missing (needs root; without hyperfine a loop of /usr/bin/time
# is used). Everything it writes goes under target/bench/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RUNS=10
SPEC=../shared/specs/rocketchat/omnichannel.yaml
OAG_VERSION=7.26.0
SKIP_OAG=0 SKIP_GEN=0 SKIP_CHECK=0 SKIP_CODEGEN=0 SKIP_LARGE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --spec) SPEC=$2; shift 2 ;;
        --skip-oag) SKIP_OAG=1; shift ;;
        --skip-gen) SKIP_GEN=1; shift ;;
        --skip-check) SKIP_CHECK=1; shift ;;
        --skip-codegen) SKIP_CODEGEN=1; shift ;;
        --skip-large) SKIP_LARGE=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
OUT=$ROOT/target/bench
mkdir -p "$OUT"
export CARGO_TERM_COLOR=never

say() { printf '\n== %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
    if [ "$(id -u)" = 0 ] && have apt-get; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; } || true
    fi
}

# --- tools -------------------------------------------------------------------------------
say "setup"
have hyperfine || apt_install hyperfine
[ -x /usr/bin/time ] || apt_install time
if [ "$SKIP_OAG" = 0 ]; then
    have java || apt_install default-jre-headless
    if [ ! -x bench/.venv/bin/openapi-generator-cli ]; then
        python3 -m venv bench/.venv
        bench/.venv/bin/pip install -q "openapi-generator-cli==$OAG_VERSION"
    fi
    OAG=$ROOT/bench/.venv/bin/openapi-generator-cli
fi
cargo build --release -q -p xtask
cargo build --release -q -p generator --example parse_floor
XTASK=$ROOT/target/release/xtask
FLOOR=$ROOT/target/release/examples/parse_floor
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "hyperfine: $(have hyperfine && hyperfine --version || echo 'missing: /usr/bin/time loop')"

# --- helpers -----------------------------------------------------------------------------
# time_cmd NAME RUNS WARMUP CMD...: mean and min wall seconds into $MEAN $MIN.
time_cmd() {
    local name=$1 runs=$2 warmup=$3; shift 3
    local json="$OUT/$name.json"
    if have hyperfine; then
        hyperfine -N -i --style basic --runs "$runs" --warmup "$warmup" --export-json "$json" \
            -n "$name" "$(printf '%q ' "$@")" >"$OUT/$name.hyperfine.txt" 2>&1 ||
            hyperfine -i --style basic --runs "$runs" --warmup "$warmup" --export-json "$json" \
                -n "$name" "$(printf '%q ' "$@")" >"$OUT/$name.hyperfine.txt" 2>&1
        read -r MEAN MIN < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["mean"], r["min"])' "$json")
    else
        local t all=()
        for _ in $(seq "$warmup"); do "$@" >/dev/null 2>&1; done
        for _ in $(seq "$runs"); do
            /usr/bin/time -f '%e' -o "$OUT/time.txt" "$@" >/dev/null 2>&1 || true
            all+=("$(tail -1 "$OUT/time.txt")")
        done
        read -r MEAN MIN < <(printf '%s\n' "${all[@]}" | python3 -c 'import json,sys; v=[float(x) for x in sys.stdin]; json.dump({"results": [{"command": sys.argv[1], "mean": sum(v)/len(v), "min": min(v), "max": max(v), "times": v}]}, open(sys.argv[2], "w")); print(sum(v)/len(v), min(v))' "$name" "$json")
    fi
}
# aggregate NAME ROUNDS: mean, min and median over the blocks NAME.1 … NAME.ROUNDS (timed
# with time_cmd, alternating with other commands' blocks so that the machine's drift stays out
# of their ratios) into $MEAN $MIN $MEDIAN, and the combined times into $OUT/NAME.json.
aggregate() {
    read -r MEAN MIN MEDIAN < <(python3 - "$OUT" "$1" "$2" <<'PY'
import json, statistics, sys
out, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for r in range(1, rounds + 1):
    path = f"{out}/{name}.{r}.json"
    try:
        times += json.load(open(path))["results"][0]["times"]
    except (OSError, KeyError, IndexError, ValueError):
        pass
json.dump({"results": [{"command": name, "mean": sum(times) / len(times), "min": min(times), "max": max(times), "times": times}]}, open(f"{out}/{name}.json", "w"))
print(sum(times) / len(times), min(times), statistics.median(times))
PY
)
}
# peak_mem CMD...: peak resident memory in MB (largest process of the tree) into $PEAK.
peak_mem() {
    /usr/bin/time -f '%M' -o "$OUT/mem.txt" "$@" >/dev/null 2>&1 || true
    PEAK=$(( $(tail -1 "$OUT/mem.txt") / 1024 ))
}
ms() { python3 -c "print(f'{float(\"$1\")*1000:.0f} ms')"; }
# record KEY VALUE: one figure for the summary of targets at the end.
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
record() { echo "$1 $2" >>"$SUMMARY"; }
lines() { find "$@" -name '*.rs' -print0 2>/dev/null | xargs -0 cat 2>/dev/null | wc -l; }

# --- 1. generation -----------------------------------------------------------------------
OURS_DIR=$OUT/ours
OAG_DIR=$OUT/oag-rust-axum
if [ "$SKIP_GEN" = 0 ]; then
say "1. generation: $SPEC -> formatted crate on disk"
# The floor, ours and openapi-generator in alternating rounds (a block of the floor, a block
# of ours, one run of openapi-generator), so that all three see the same machine: on a shared
# virtual machine the speed drifts by tens of percent from one minute to the next.
ROUNDS=$(( RUNS >= 15 ? 5 : RUNS >= 3 ? 3 : 1 ))
for round in $(seq "$ROUNDS"); do
    time_cmd "floor.$round" $(( RUNS / ROUNDS )) 2 "$FLOOR" "$SPEC"
    time_cmd "ours.$round" $(( RUNS / ROUNDS )) 2 "$XTASK" generate --spec "$SPEC" --out "$OURS_DIR" --name ours-api
    if [ "$SKIP_OAG" = 0 ]; then
        time_cmd "oag.$round" 1 0 "$OAG" generate -g rust-axum -i "$SPEC" -o "$OAG_DIR"
    fi
done
aggregate floor "$ROUNDS"; FLOOR_MEAN=$MEAN FLOOR_MIN=$MIN FLOOR_MEDIAN=$MEDIAN
aggregate ours "$ROUNDS"; OURS_MEAN=$MEAN OURS_MIN=$MIN OURS_MEDIAN=$MEDIAN
peak_mem "$XTASK" generate --spec "$SPEC" --out "$OURS_DIR" --name ours-api
OURS_PEAK=$PEAK
record ours_mean "$OURS_MEAN"; record ours_peak "$OURS_PEAK"; record floor_mean "$FLOOR_MEAN"
printf '%-34s %10s %10s %10s %10s\n' "" "mean" "median" "min" "peak RSS"
printf '%-34s %10s %10s %10s %10s\n' "parse only (openapiv3, the floor)" "$(ms "$FLOOR_MEAN")" "$(ms "$FLOOR_MEDIAN")" "$(ms "$FLOOR_MIN")" "-"
printf '%-34s %10s %10s %10s %7s MB\n' "this generator (xtask generate)" "$(ms "$OURS_MEAN")" "$(ms "$OURS_MEDIAN")" "$(ms "$OURS_MIN")" "$OURS_PEAK"
if [ "$SKIP_OAG" = 0 ]; then
    aggregate oag "$ROUNDS"; OAG_MEAN=$MEAN OAG_MIN=$MIN OAG_MEDIAN=$MEDIAN
    peak_mem "$OAG" generate -g rust-axum -i "$SPEC" -o "$OAG_DIR"
    OAG_PEAK=$PEAK
    record oag_mean "$OAG_MEAN"
    printf '%-34s %10s %10s %10s %7s MB\n' "openapi-generator $OAG_VERSION rust-axum" "$(ms "$OAG_MEAN")" "$(ms "$OAG_MEDIAN")" "$(ms "$OAG_MIN")" "$OAG_PEAK"
    python3 -c "import sys; o,t=float(sys.argv[1]),float(sys.argv[2]); print(f'ratio: this generator is {t/o:.0f}x faster (mean), {float(sys.argv[3])/float(sys.argv[4]):.0f}x (median), {float(sys.argv[5])/float(sys.argv[6]):.0f}x (min)')" "$OURS_MEAN" "$OAG_MEAN" "$OAG_MEDIAN" "$OURS_MEDIAN" "$OAG_MIN" "$OURS_MIN"
fi
python3 -c "import sys; print(f'pipeline / floor: {float(sys.argv[1])/float(sys.argv[2]):.1f}x (mean), {float(sys.argv[3])/float(sys.argv[4]):.1f}x (median), {float(sys.argv[5])/float(sys.argv[6]):.1f}x (min)')" "$OURS_MEAN" "$FLOOR_MEAN" "$OURS_MEDIAN" "$FLOOR_MEDIAN" "$OURS_MIN" "$FLOOR_MIN"
# Where one run's time goes: each stage's wall clock as `xtask generate --timings` prints it,
# the median over RUNS runs (process start and exit are the rest of the whole-process time).
for _ in $(seq "$RUNS"); do
    "$XTASK" generate --spec "$SPEC" --out "$OURS_DIR" --name ours-api --timings 2>&1 | grep '^timings:' || true
done >"$OUT/timings.txt"
python3 - "$OUT/timings.txt" <<'PY'
import re, statistics, sys
runs = [dict((k, float(v)) for k, v in re.findall(r"([a-z+]+) ([0-9.]+) ms", line)) for line in open(sys.argv[1])]
if runs:
    stages = ", ".join(f"{k} {statistics.median(r[k] for r in runs):.1f} ms" for k in runs[0])
    print(f"stages (median of {len(runs)} runs, xtask generate --timings): {stages}")
PY
fi

# --- 2. build cost of the generated code -------------------------------------------------
if [ "$SKIP_CHECK" = 0 ]; then
    say "2. cargo check of the generated crate alone (dependencies built first)"
    # check_crate DIR ARGS...: seconds and peak MB of checking only the crate itself.
    check_crate() {
        local dir=$1; shift
        # Outside any workspace (target/bench/ is inside this one).
        grep -q '^\[workspace\]' "$dir/Cargo.toml" || printf '\n[workspace]\n' >>"$dir/Cargo.toml"
        (cd "$dir" && CARGO_TARGET_DIR=$OUT/check-target cargo check -q "$@" >/dev/null 2>&1) || true
        touch "$dir/src/lib.rs"
        local t0 t1
        t0=$(date +%s.%N)
        (cd "$dir" && CARGO_TARGET_DIR=$OUT/check-target /usr/bin/time -f '%M' -o "$OUT/mem.txt" \
            cargo check -q "$@" >/dev/null 2>"$OUT/check.err") ||
            { echo "cargo check failed in $dir:"; tail -5 "$OUT/check.err"; }
        t1=$(date +%s.%N)
        read -r SECONDS_TAKEN CHECK < <(python3 -c "d = $t1 - $t0; print(f'{d:.2f} {d:.1f}')")
        CHECK="$CHECK s"
        PEAK=$(( $(tail -1 "$OUT/mem.txt") / 1024 ))
    }
    printf '%-40s %10s %10s %12s %12s\n' "" "lines" "(src/)" "types-only" "all features"
    [ -f "$OURS_DIR/Cargo.toml" ] || "$XTASK" generate --spec "$SPEC" --out "$OURS_DIR" --name ours-api 2>/dev/null
    check_crate "$OURS_DIR"; A="$CHECK, ${PEAK} MB"; record check_types "$SECONDS_TAKEN"
    check_crate "$OURS_DIR" --all-features; B="$CHECK, ${PEAK} MB"; record check_all "$SECONDS_TAKEN"
    OURS_LINES=$(lines "$OURS_DIR/src" "$OURS_DIR/tests"); record ours_lines "$OURS_LINES"
    printf '%-40s %10s %10s %12s %12s\n' "this generator" "$OURS_LINES" "$(lines "$OURS_DIR/src")" "$A" "$B"
    if [ "$SKIP_OAG" = 0 ]; then
        [ -f "$OAG_DIR/Cargo.toml" ] || "$OAG" generate -g rust-axum -i "$SPEC" -o "$OAG_DIR" >/dev/null 2>&1
        check_crate "$OAG_DIR" --no-default-features; A="$CHECK, ${PEAK} MB"
        check_crate "$OAG_DIR" --all-features; B="$CHECK, ${PEAK} MB"
        OAG_LINES=$(lines "$OAG_DIR"); record oag_lines "$OAG_LINES"
        printf '%-40s %10s %10s %12s %12s\n' "openapi-generator rust-axum" "$OAG_LINES" "$(lines "$OAG_DIR/src")" "$A" "$B"
    fi
fi

# --- 3. drift check ----------------------------------------------------------------------
if [ "$SKIP_CODEGEN" = 0 ]; then
say "3. cargo xtask codegen --check (built workspace)"
cargo build -q -p xtask
time_cmd codegen-check "$RUNS" 1 cargo xtask codegen --check
echo "cargo xtask codegen --check (dev profile): $(ms "$MEAN") mean, $(ms "$MIN") min"
record codegen_check "$MEAN"
time_cmd codegen-check-release "$RUNS" 1 "$XTASK" codegen --check
echo "target/release/xtask codegen --check:     $(ms "$MEAN") mean, $(ms "$MIN") min"
fi

# --- 4. large spec -----------------------------------------------------------------------
if [ "$SKIP_LARGE" = 0 ]; then
    say "4. large spec (synthetic, GitHub-sized)"
    LARGE=$OUT/large-spec.json
    [ -f "$LARGE" ] || python3 bench/make-large-spec.py "$LARGE"
    echo "$(du -m "$LARGE" | cut -f1) MB, $("$FLOOR" "$LARGE")"
    time_cmd large-floor 3 1 "$FLOOR" "$LARGE"
    echo "parse only (the floor): $(ms "$MEAN") mean"
    time_cmd large 3 1 "$XTASK" generate --spec "$LARGE" --out "$OUT/large" --name large-api
    peak_mem "$XTASK" generate --spec "$LARGE" --out "$OUT/large" --name large-api
    record large_mean "$MEAN"; record large_peak "$PEAK"
    echo "this generator:         $(ms "$MEAN") mean, $(ms "$MIN") min, peak ${PEAK} MB, $(lines "$OUT/large/src" "$OUT/large/tests") lines written"
fi

# --- targets -----------------------------------------------------------------------------
say "targets (issue 7), from the figures above"
python3 - "$SUMMARY" <<'PY'
import sys
f = {}
for line in open(sys.argv[1]):
    key, value = line.split()
    f[key] = float(value)
rows = []
def row(target, value, ok):
    rows.append((target, value, "met" if ok else "NOT met"))
if "ours_mean" in f and "oag_mean" in f:
    ratio = f["oag_mean"] / f["ours_mean"]
    row("generation >= 100x faster than openapi-generator", f"{ratio:.0f}x ({f['ours_mean']*1000:.0f} ms vs {f['oag_mean']:.1f} s)", ratio >= 100)
if "ours_mean" in f:
    row("generation in 0.14 s or less (the issue's 100x of 13.9 s)", f"{f['ours_mean']*1000:.0f} ms", f["ours_mean"] <= 0.14)
    row("generation under 100 MB peak memory", f"{f['ours_peak']:.0f} MB", f["ours_peak"] < 100)
    ratio = f["ours_mean"] / f["floor_mean"]
    row("generation within 3x of parsing the spec", f"{ratio:.2f}x ({f['floor_mean']*1000:.0f} ms floor)", ratio <= 3)
if "large_mean" in f:
    row("13 MB spec under 2 s and 1 GB", f"{f['large_mean']:.2f} s, {f['large_peak']:.0f} MB", f["large_mean"] < 2 and f["large_peak"] < 1024)
if "check_all" in f:
    row("cargo check of the crate: all features under 20 s", f"{f['check_all']:.1f} s", f["check_all"] < 20)
    row("cargo check of the crate: types only under 8 s", f"{f['check_types']:.1f} s", f["check_types"] < 8)
if "ours_lines" in f and "oag_lines" in f:
    share = f["ours_lines"] / f["oag_lines"]
    row("no more than a third of openapi-generator's lines", f"{share:.1%} ({f['ours_lines']:.0f} / {f['oag_lines']:.0f})", share <= 1 / 3)
if "codegen_check" in f:
    row("cargo xtask codegen --check under 1 s", f"{f['codegen_check']:.2f} s", f["codegen_check"] < 1)
width = max(len(r[0]) for r in rows) if rows else 0
for target, value, verdict in rows:
    print(f"{target:<{width}}  {value:<32} {verdict}")
PY
echo
echo "raw results: $OUT/*.json"
