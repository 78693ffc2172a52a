#!/usr/bin/env bash
# Install klusterdocs with its test tools in .venv (and LibreOffice, for the tests that open the
# documents, when this machine lets us install it), then lint and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the document tests need from the system: LibreOffice and poppler to convert and read
# PDFs, and the fonts the templates use (Carlito is metric-compatible with Calibri; without it
# LibreOffice lays text out in a wider font).
packages=""
command -v soffice >/dev/null 2>&1 || packages="$packages libreoffice-writer-nogui libreoffice-impress-nogui"
command -v pdftoppm >/dev/null 2>&1 || packages="$packages poppler-utils"
command -v fc-list >/dev/null 2>&1 || packages="$packages fontconfig"
fc-list 2>/dev/null | grep -qi carlito || packages="$packages fonts-crosextra-carlito fonts-crosextra-caladea"
fc-list 2>/dev/null | grep -qi dejavu || packages="$packages fonts-dejavu-core"
if [ -n "$packages" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" != none ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing$packages for the document tests..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
  else
    echo "Cannot install$packages here: the tests that need them will be skipped."
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q ".[test]"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
