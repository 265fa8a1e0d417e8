#!/usr/bin/env bash
# Runs every test: unit, integration (each starts its own throwaway PostgreSQL and Redis) and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh --browser
dotnet test WebhookDispatcher.sln --logger "console;verbosity=normal" "$@"
