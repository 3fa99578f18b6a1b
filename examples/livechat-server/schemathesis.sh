#!/usr/bin/env bash
# Contract test of the reference Livechat server: Schemathesis (from PyPI, in its own venv)
# against the running server, with specs/omnichannel.yaml restricted to the operations the
# server implements. Exits non-zero when Schemathesis finds a failure.
#
#   examples/livechat-server/schemathesis.sh
#
# Environment: LIVECHAT_ST_EXAMPLES (examples per operation and phase, default 50),
# LIVECHAT_ST_SEED (a Schemathesis seed, to replay a run), PYTHON (default python3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

examples="${LIVECHAT_ST_EXAMPLES:-50}"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$target/livechat-schemathesis"
started=$SECONDS

mkdir -p "$work"
# shellcheck source=../../tests/schemathesis/venv.sh
source "$root/tests/schemathesis/venv.sh"

echo "== building livechat-server"
# The same build as CI's `cargo test --workspace --all-features`, so that after the tests this
# costs nothing: a plain `cargo build -p livechat-server` resolves other features for shared
# dependencies (tokio, serde, axum, ...) and recompiles some 25 crates.
if ! cargo test --workspace --all-features --no-run >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    exit 1
fi
echo "   built in $((SECONDS - started))s"
"$target/debug/restricted-spec" specs/omnichannel.yaml >"$work/spec.json"

tmp="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -INT "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# URL-safe base64 may start with `-`: passed as `--admin-token=…` so that it is never taken
# for an option.
admin_token="$("$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))')"
echo "== starting livechat-server (database in $tmp)"
RUST_LOG=warn,livechat_server=info "$target/debug/livechat-server" \
    --listen 127.0.0.1:0 --db "$tmp/livechat.db" \
    --admin-user-id schemathesis --admin-token="$admin_token" >"$tmp/server.log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 1 100); do
    base="$(sed -n 's/.*listening address=\([0-9.:]*\).*/http:\/\/\1/p' "$tmp/server.log" | head -n 1)"
    [ -n "$base" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; echo "livechat-server exited" >&2; exit 1; }
    sleep 0.1
done
[ -n "$base" ] || { cat "$tmp/server.log"; echo "livechat-server did not start" >&2; exit 1; }
echo "   listening on $base"

# Data the spec's examples refer to, so that they reach the success paths: the custom fields
# `address` and `class`, and the visitors of the example tokens.
"$venv/bin/python" - "$base" "$admin_token" <<'PY'
import json, sys, urllib.request

base, token = sys.argv[1], sys.argv[2]

def post(path, body):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-User-Id": "schemathesis", "X-Auth-Token": token},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200, (path, response.status)

for field in ("address", "class"):
    post("/api/v1/livechat/custom-fields.save", {"customFieldData": {
        "field": field, "label": field, "scope": "visitor", "visibility": "visible"}})
for visitor in ("iNKE8a6k6cjbqWhWd", "test-token-12345"):
    post("/api/v1/livechat/visitor", {"visitor": {"token": visitor}})
PY

echo "== schemathesis: $examples examples per operation"
seed_args=()
if [ -n "${LIVECHAT_ST_SEED:-}" ]; then
    seed_args=(--seed "$LIVECHAT_ST_SEED")
fi
status=0
# Run from $work: Schemathesis keeps its cache of past failures (replayed first) in the current
# directory.
(
    cd "$work"
    "$venv/bin/schemathesis" --no-color --config-file "$here/schemathesis.toml" run "$work/spec.json" \
        --url "$base" \
        --header "X-User-Id: schemathesis" --header "X-Auth-Token: $admin_token" \
        --max-examples "$examples" ${seed_args[@]+"${seed_args[@]}"} \
        --request-timeout 10
) || status=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "livechat-server died during the run:" >&2
    cat "$tmp/server.log" >&2
    status=1
elif grep -q "panicked" "$tmp/server.log"; then
    echo "livechat-server panicked during the run:" >&2
    grep -A5 "panicked" "$tmp/server.log" >&2
    status=1
fi
echo "== schemathesis finished with status $status in $((SECONDS - started))s"
exit "$status"
