#!/usr/bin/env bash
# renkou's two commands. Both set themselves up first (virtual environment in .venv/, pinned by constraints.txt).
#   ./dev.sh demo [renkou demo options]   run the main job on the embedded DuckDB
#   ./dev.sh test [pytest options]        lint, type-check and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

setup() {
  if [ ! -x .venv/bin/python ]; then
    PY=$(command -v python3.11 || command -v python3)
    "$PY" -m venv .venv
  fi
  # Re-install only when the declared or pinned dependencies change.
  local stamp
  stamp=".venv/.setup-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "安装依赖 / installing dependencies into .venv ..." >&2
    .venv/bin/python -m pip install -q --upgrade pip >&2
    .venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]' >&2
    rm -f .venv/.setup-*
    touch "$stamp"
  fi
}

apt_install() {
  # Debian packages the project needs (CJK fonts for reports and pages, Chromium for browser tests).
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "安装系统软件包 / installing Debian packages: ${missing[*]} ..." >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
  fi
}

setup_frontend() {
  # Front-end packages come from the npm registry and are built into static files here, never fetched by browsers.
  if [ -f frontend/package.json ]; then
    local stamp
    stamp="frontend/node_modules/.setup-$(cat frontend/package.json frontend/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
      echo "安装前端依赖 / installing front-end packages ..." >&2
      npm ci --prefix frontend --no-audit --no-fund >&2
      touch "$stamp"
    fi
    .venv/bin/python scripts/build_frontend.py >&2
  fi
}

cmd="${1:-}"
shift || true
case "$cmd" in
  demo)
    apt_install fonts-noto-cjk
    setup
    setup_frontend
    exec .venv/bin/renkou demo "$@"
    ;;
  test)
    apt_install fonts-noto-cjk chromium
    setup
    setup_frontend
    .venv/bin/ruff check renkou tests bench scripts
    .venv/bin/ruff format --check renkou tests bench scripts
    .venv/bin/mypy
    exec .venv/bin/python -m pytest -n 2 "$@"
    ;;
  *)
    echo "usage: ./dev.sh demo [options] | ./dev.sh test [pytest options]" >&2
    exit 1
    ;;
esac
