#!/usr/bin/env bash
# Runs every test (unit + integration on real headless GL and the real shipped model), writing TRX results to
# out/test-results/. Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Ecs").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-os-deps.sh" --tests
cd "$root"
rm -rf out/test-results
dotnet test RealtimeGen.sln -c Release --logger "trx" --logger "console;verbosity=normal" \
  --results-directory out/test-results "$@"
