#!/usr/bin/env bash
# Runs the demo scene on the shipped model: a window when a display exists, headless otherwise
# (writing screenshots, a contact sheet and frame stats to out/demo/). Extra arguments go to the demo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-os-deps.sh"
cd "$root"
dotnet build Samples/DemoScene -c Release -v quiet -nologo -clp:NoSummary
exec dotnet "Samples/DemoScene/bin/Release/net10.0/RealtimeGen.DemoScene.dll" --out "$root/out/demo" "$@"
