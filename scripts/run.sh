#!/usr/bin/env bash
# Runs the whole system under the Aspire AppHost: PostgreSQL, Redis, the Api, the Worker, the MockReceiver, the
# operator console and the Aspire dashboard (http://localhost:18888; the login link is printed at start).
# Extra arguments go to the AppHost; --fresh starts from empty data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh
args=()
for arg in "$@"; do
  if [[ "$arg" == "--fresh" ]]; then args+=(--fresh true); else args+=("$arg"); fi
done
exec dotnet run --project WebhookDispatcher.AppHost -- "${args[@]}"
