#!/usr/bin/env bash
# Install what the tests need (Python packages into .venv, Debian's Chromium, poppler and Java 17 for the local Spark
# session) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=""
for command in chromium pdftoppm java; do
  command -v "$command" >/dev/null 2>&1 || missing="yes"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium poppler-utils openjdk-17-jre-headless >/dev/null
fi
python3 -m venv .venv
[ -x .venv/bin/pip ] || python3 -m venv --clear .venv  # a half-made .venv (an interrupted first run)
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
# One worker per core (pytest-xdist), a test file's tests kept on one worker, so what a module shares (a dashboard
# served to the browser, a demo company) is built once per file as before; `-n 0` runs everything in this process.
exec .venv/bin/python -m pytest -n auto --dist loadfile "$@"
