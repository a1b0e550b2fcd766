#!/usr/bin/env bash
# Validates spec/openapi.yaml with openapi-spec-validator (PyPI), an independent OpenAPI 3.0 validator.
# The validator lives in a venv under ${TMPDIR:-/tmp}, created on first use and reused afterwards.
set -euo pipefail

VALIDATOR_VERSION="0.9.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
spec="$root/spec/openapi.yaml"
venv="${TMPDIR:-/tmp}/flywheel-openapi-spec-validator-$VALIDATOR_VERSION"
ready="$venv/.installed"

if [[ ! -f "$ready" ]] || ! "$venv/bin/python" -c 'import openapi_spec_validator' 2>/dev/null; then
    echo "validate-spec: installing openapi-spec-validator $VALIDATOR_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "openapi-spec-validator==$VALIDATOR_VERSION"
    touch "$ready"
fi

echo "validate-spec: openapi-spec-validator $VALIDATOR_VERSION on spec/openapi.yaml"
"$venv/bin/openapi-spec-validator" --schema 3.0 "$spec"
