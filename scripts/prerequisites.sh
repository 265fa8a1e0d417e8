#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine of this kind lacks, with apt-get (sudo when not root): the PostgreSQL
# server and Redis, which the AppHost runs from local binaries when no container runtime answers; with --browser
# also Chromium, which the browser tests drive through Playwright (never a downloaded browser).
set -euo pipefail

want=()
if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null && ! command -v postgres >/dev/null 2>&1; then
  want+=(postgresql)
fi
command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
if [[ "${1:-}" == "--browser" ]]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
fi

if ((${#want[@]} > 0)); then
  echo "Installing: ${want[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  # Debian's packages start their own servers; the AppHost runs its own, so those are stopped again.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}" >/dev/null
  for service in postgresql redis-server; do
    $sudo systemctl disable --now "$service" >/dev/null 2>&1 || $sudo service "$service" stop >/dev/null 2>&1 || true
  done
fi
