#!/usr/bin/env bash
# Checks the Rust verdicts of `cargo xtask diff-spec` against cargo-semver-checks, on every
# case of xtask/tests/diff_spec.rs (edits of specs/omnichannel.yaml):
#
#   1. the test writes each case's OLD and NEW documents (DIFF_SPEC_CASES);
#   2. `cargo xtask generate` makes a crate of each (same package name), and rustdoc its JSON
#      with all features (dependencies built once, in target/semver-check/target);
#   3. cargo-semver-checks compares them both ways: OLD -> NEW gives the breaking (major) and
#      deprecation (minor) lints; NEW -> OLD finds what was added (an addition is a removal
#      the other way), which semver calls minor and cargo-semver-checks does not report;
#   4. cargo-semver-checks compares no types yet (its issue #149): a field or parameter that
#      changes type passes. A small rustdoc-JSON comparison of the types of struct fields,
#      enum variant fields and method signatures fills that gap, in its own column;
#   5. the table: our verdict, each oracle's, and whether they agree. Exits 1 on a
#      disagreement.
#
# Slow (a rustdoc of the 28,000-line crate per case): not run by CI. Needs jq and python3.
# Usage: xtask/semver-check.sh [CASE-NAME-FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/semver-check
filter=${1:-}

if ! cargo semver-checks --version >/dev/null 2>&1; then
    echo "installing cargo-semver-checks (takes a while)" >&2
    cargo install --locked cargo-semver-checks
fi
cargo semver-checks --version

rm -rf "$work/cases" && mkdir -p "$work/cases" "$work/rustdoc"
DIFF_SPEC_CASES=$work/cases cargo test -q -p xtask --test diff_spec every_kind_of_change >/dev/null
cargo build -q -p xtask
xtask=$root/target/debug/xtask
export CARGO_TARGET_DIR=$work/target

# rustdoc JSON of the crate generated from a document, cached by the document's hash.
rustdoc_json() {
    local spec=$1 hash out
    hash=$(sha256sum "$spec" | cut -c1-16)
    out=$work/rustdoc/$hash.json
    if [ ! -f "$out" ]; then
        rm -rf "$work/crate/src" "$work/crate/tests"
        "$xtask" generate --spec "$spec" --out "$work/crate" --name omnichannel-semver 2>/dev/null
        RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="-Z unstable-options --output-format json --cap-lints allow" \
            cargo doc -q --no-deps --all-features --manifest-path "$work/crate/Cargo.toml" >&2
        cp "$CARGO_TARGET_DIR/doc/omnichannel_semver.json" "$out"
    fi
    echo "$out"
}

# cargo-semver-checks' verdict from BASELINE to CURRENT rustdoc: major, minor or none.
csc() {
    local log
    log=$(cargo semver-checks check-release --baseline-rustdoc "$1" --current-rustdoc "$2" \
        --release-type patch 2>&1) && { echo none; return; }
    if grep -q "requires new major version" <<<"$log"; then
        echo major
    elif grep -q "requires new minor version" <<<"$log"; then
        echo minor
    else
        echo "error: $log" >&2
        echo error
    fi
}

# "major" when a struct field, enum variant field or method signature present in both
# rustdoc JSON files has a different type; "none" otherwise.
types() {
    python3 - "$1" "$2" <<'EOF'
import json, sys

def strip(t):
    if isinstance(t, dict):
        return {k: strip(v) for k, v in t.items() if k != "id"}
    if isinstance(t, list):
        return [strip(v) for v in t]
    return t

def signatures(path):
    doc = json.load(open(path))
    index, out = doc["index"], {}
    def fields(owner, ids):
        for i, f in enumerate(ids):
            if f is not None and str(f) in index:
                item = index[str(f)]
                out[f"{owner}.{item['name'] or i}"] = strip(item["inner"]["struct_field"])
    def functions(owner, ids):
        for f in ids:
            item = index.get(str(f))
            if item and "function" in item["inner"]:
                out[f"{owner}::{item['name']}"] = strip(item["inner"]["function"]["sig"])
    for id_, p in doc["paths"].items():
        item = index.get(id_)
        if p["crate_id"] != 0 or item is None:
            continue
        name, inner = "::".join(p["path"]), item["inner"]
        if "struct" in inner:
            kind = inner["struct"]["kind"]
            if isinstance(kind, dict):
                fields(name, kind.get("plain", {}).get("fields", kind.get("tuple", [])))
            for impl in inner["struct"]["impls"]:
                i = index.get(str(impl), {}).get("inner", {}).get("impl", {})
                if i.get("trait") is None:
                    functions(name, i.get("items", []))
        elif "enum" in inner:
            for v in inner["enum"]["variants"]:
                var = index[str(v)]
                kind = var["inner"]["variant"]["kind"]
                if isinstance(kind, dict):
                    ids = kind["tuple"] if "tuple" in kind else kind.get("struct", {}).get("fields", [])
                    fields(f"{name}::{var['name']}", ids)
        elif "trait" in inner:
            functions(name, inner["trait"]["items"])
    return out

old, new = signatures(sys.argv[1]), signatures(sys.argv[2])
changed = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
for k in changed[:5]:
    print(f"  type changed: {k}", file=sys.stderr)
print("major" if changed else "none")
EOF
}

printf '%-38s %-6s %-6s %-6s %-6s %-7s %s\n' case ours fwd rev types oracle agree
disagree=0
total=0
for dir in "$work"/cases/*/; do
    name=$(basename "$dir")
    [[ -n $filter && $name != *$filter* ]] && continue
    total=$((total + 1))
    ours=$("$xtask" diff-spec "$dir/old.json" "$dir/new.json" --format json | jq -r .semver)
    old=$(rustdoc_json "$dir/old.json")
    new=$(rustdoc_json "$dir/new.json")
    fwd=$(csc "$old" "$new")
    rev=$(csc "$new" "$old")
    ty=$(types "$old" "$new" 2>"$dir/types.log")
    if [[ $fwd == major || $ty == major ]]; then
        oracle=major
    elif [[ $fwd == minor || $rev == major ]]; then
        oracle=minor
    else
        oracle=patch
    fi
    agree=yes
    if [[ $ours != "$oracle" || $ours != $(cat "$dir/expected") ]]; then
        agree=NO
        disagree=$((disagree + 1))
    fi
    printf '%-38s %-6s %-6s %-6s %-6s %-7s %s\n' "$name" "$ours" "$fwd" "$rev" "$ty" "$oracle" "$agree"
done
echo "$total cases, $disagree disagreements ($(cargo semver-checks --version))"
[ "$disagree" -eq 0 ]
