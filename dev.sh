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

setup_browser() {
  # Browser tests drive Debian's Chromium; install it when missing (we run as root on CI machines).
  if [ ! -x /usr/bin/chromium ]; then
    echo "安装 Chromium / installing Debian's chromium ..." >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >&2
  fi
}

cmd="${1:-}"
shift || true
case "$cmd" in
  demo)
    setup
    exec .venv/bin/renkou demo "$@"
    ;;
  test)
    setup
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
