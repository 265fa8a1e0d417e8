#!/usr/bin/env bash
# Runs the whole system: PostgreSQL, Redis, Api, Worker, MockReceiver and the dashboard (http://localhost:18888).
# Extra arguments go to the AppHost (--fresh wipes the data kept between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh
exec dotnet run --project WebhookDispatcher.AppHost -- "$@"
