#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine of this kind lacks: Redis always; with --browser, Chromium and
# ChromeDriver for the dashboard's browser tests. PostgreSQL 15 and the .NET SDK are expected to be there.
set -euo pipefail

want=()
command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
if [[ "${1:-}" == "--browser" ]]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
fi

if ((${#want[@]} > 0)); then
  echo "Installing: ${want[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}" >/dev/null
fi

if [[ ! -x /usr/lib/postgresql/15/bin/postgres ]] && ! command -v postgres >/dev/null 2>&1; then
  echo "PostgreSQL server binaries not found: install them with 'apt-get install -y postgresql-15'." >&2
  exit 1
fi
