#!/usr/bin/env bash
# Schemathesis (from PyPI, in its own venv) against the Omnichannel router with every handler
# at its default (501), once per server profile: `rocketchat` (the committed generated/ crate)
# and `openapi` (specs/omnichannel.yaml generated with `--profile openapi`). Checks
# `positive_data_acceptance` and `negative_data_rejection` only (profiles.toml). Exits
# non-zero when Schemathesis finds a failure in either profile.
#
#   tests/schemathesis/profiles.sh [rocketchat|openapi]...
#
# What the rocketchat profile still reports is what Rocket.Chat itself does:
# - a request without a body is validated as `{}` (Rocket.Chat's `ajv.compile(schema)(body ??
#   {})`), so an operation whose body is optional but whose schema requires members refuses
#   it: positive_data_acceptance fails on those operations;
# - JSON bodies are coerced as Ajv's `coerceTypes: true` does, also inside `oneOf`/`anyOf`
#   branches, so some values of the wrong type are accepted: negative_data_rejection can fail.
# The script therefore runs the rocketchat profile for the record and fails only on the
# openapi profile, unless ST_STRICT_ROCKETCHAT=1.
#
# Integers: the generated crates read `type: integer` without `format` as `i64`
# (docs/type-mapping.md) and answer 400 `must be <= 9223372036854775807` beyond it. Schemathesis
# reads such a schema as arbitrary precision and draws integers up to 128 bits, so the
# description it gets states that width: `format: int64` on every integer schema without a
# format. ST_LITERAL_INTEGERS=1 runs on the description as it is (and then reports those 400s).
#
# Environment: ST_EXAMPLES (examples per operation and phase, default 10), ST_SEED (a
# Schemathesis seed, to replay a run), PYTHON (default python3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

examples="${ST_EXAMPLES:-10}"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$target/profiles-schemathesis"
profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(rocketchat openapi)
started=$SECONDS

mkdir -p "$work"
# shellcheck source=../../tests/schemathesis/venv.sh
source "$root/tests/schemathesis/venv.sh"

echo "== generating the openapi profile's crate and building the server"
cargo run --quiet -p xtask -- generate --spec specs/omnichannel.yaml --out "$work/openapi" \
    --name omnichannel-openapi --profile openapi 2>"$work/generate.log" || { cat "$work/generate.log" >&2; exit 1; }
mkdir -p "$work/serve/src"
cp "$here/serve.rs" "$work/serve/src/main.rs"
# Its own workspace, with this repository's lock file and dev profile, building into the
# workspace's target directory: the dependencies CI's tests built are reused.
cat >"$work/serve/Cargo.toml" <<TOML
[package]
name = "profiles-serve"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
rocketchat = { package = "rocketchat-omnichannel", path = "$root/generated", features = ["server"] }
openapi = { package = "omnichannel-openapi", path = "$work/openapi", features = ["server"] }
axum = { version = "0.8", default-features = false, features = ["http1", "tokio"] }
tokio = { version = "1", features = ["macros", "net", "rt-multi-thread"] }

[workspace]

[profile.dev]
debug = "line-tables-only"
[profile.dev.package."*"]
debug = false
TOML
cp "$root/Cargo.lock" "$work/serve/Cargo.lock"
if ! cargo build --quiet --manifest-path "$work/serve/Cargo.toml" --target-dir "$target" >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    exit 1
fi
echo "   built in $((SECONDS - started))s"

spec="$work/omnichannel.json"
"$venv/bin/python" - "$root/specs/omnichannel.yaml" "$spec" "${ST_LITERAL_INTEGERS:-0}" <<'PY'
import json, sys, yaml

source, out, literal = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
with open(source) as f:
    doc = yaml.safe_load(f)

def int64(node):
    if isinstance(node, dict):
        if node.get("type") == "integer" and "format" not in node:
            node["format"] = "int64"
        for value in node.values():
            int64(value)
    elif isinstance(node, list):
        for value in node:
            int64(value)

if not literal:
    int64(doc)
with open(out, "w") as f:
    json.dump(doc, f)
PY

tmp="$(mktemp -d)"
server_pid=""
stop() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
trap 'stop; rm -rf "$tmp"' EXIT

seed_args=()
if [ -n "${ST_SEED:-}" ]; then
    seed_args=(--seed "$ST_SEED")
fi
status=0
for profile in "${profiles[@]}"; do
    echo "== $profile profile: $examples examples per operation"
    "$target/debug/profiles-serve" "$profile" >"$tmp/$profile.log" 2>&1 &
    server_pid=$!
    base=""
    for _ in $(seq 1 100); do
        base="$(sed -n 's/^listening on \(http:.*\)$/\1/p' "$tmp/$profile.log" | head -n 1)"
        [ -n "$base" ] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/$profile.log"; echo "the server exited" >&2; exit 1; }
        sleep 0.1
    done
    [ -n "$base" ] || { cat "$tmp/$profile.log"; echo "the server did not start" >&2; exit 1; }
    run_status=0
    # Run from a directory of its own: Schemathesis keeps its cache of past failures (replayed
    # first) in the current directory.
    mkdir -p "$work/run-$profile"
    (
        cd "$work/run-$profile"
        "$venv/bin/schemathesis" --no-color --config-file "$here/profiles.toml" run "$spec" \
            --url "$base" \
            --header "X-User-Id: schemathesis" --header "X-Auth-Token: schemathesis" \
            --max-examples "$examples" ${seed_args[@]+"${seed_args[@]}"} \
            --request-timeout 10
    ) >"$work/$profile.txt" 2>&1 || run_status=$?
    grep -E "^(=+|[0-9]+ (passed|failed)|.*(passed|failed).* in [0-9.]+s)" "$work/$profile.txt" | tail -n 4 || true
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the $profile server died during the run:" >&2
        cat "$tmp/$profile.log" >&2
        run_status=1
    elif grep -q "panicked" "$tmp/$profile.log"; then
        echo "the $profile server panicked during the run:" >&2
        grep -A5 "panicked" "$tmp/$profile.log" >&2
        run_status=1
    fi
    stop
    echo "   $profile: status $run_status (report: $work/$profile.txt)"
    if [ "$run_status" != 0 ] && { [ "$profile" = openapi ] || [ "${ST_STRICT_ROCKETCHAT:-0}" = 1 ]; }; then
        status=1
    fi
done
echo "== schemathesis finished with status $status in $((SECONDS - started))s"
exit "$status"
