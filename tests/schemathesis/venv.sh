# Sourced by the Schemathesis scripts: Schemathesis from PyPI in a venv of its own under the
# target directory, made once and shared by every script. Needs `target` set; sets `venv`.
# PYTHON chooses the interpreter (default python3).

schemathesis_version="4.32.5"
venv="$target/schemathesis-venv"

echo "== schemathesis $schemathesis_version in $venv"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $schemathesis_version" ]; then
    rm -rf "$venv"
    mkdir -p "$target"
    if "${PYTHON:-python3}" -m venv "$venv" >"$target/schemathesis-venv.log" 2>&1; then
        pip=("$venv/bin/python" -m pip)
    else
        # Debian and Ubuntu ship venv without ensurepip unless python3-venv is installed: make
        # the venv bare and install into it with the system's pip.
        rm -rf "$venv"
        "${PYTHON:-python3}" -m venv --without-pip "$venv"
        pip=("${PYTHON:-python3}" -m pip --python "$venv/bin/python")
    fi
    "${pip[@]}" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi
