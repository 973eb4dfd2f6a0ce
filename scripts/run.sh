#!/usr/bin/env bash
# Install the runtime into .venv and open the dashboard (the demo company is built on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
[ -x .venv/bin/pip ] || python3 -m venv --clear .venv  # a half-made .venv (an interrupted first run)
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
