#!/usr/bin/env bash
# Install klusterdocs with its test tools in .venv (and LibreOffice, for the tests that open the
# documents, when this machine lets us install it), then lint and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  packages="libreoffice-writer-nogui libreoffice-impress-nogui poppler-utils fonts-dejavu-core fonts-crosextra-carlito fonts-crosextra-caladea"
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" != none ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing LibreOffice and poppler for the document tests..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
  else
    echo "LibreOffice is not installed and cannot be installed here: the PDF tests will be skipped."
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q ".[test]"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
