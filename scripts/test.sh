#!/usr/bin/env bash
# Runs every test: unit, integration (each app model under Aspire.Hosting.Testing starts its own throwaway
# PostgreSQL and Redis on random ports), browser tests in headless Chromium, the bench smoke test and the quick soak.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh --browser
dotnet test WebhookDispatcher.sln --logger "console;verbosity=normal" "$@"
