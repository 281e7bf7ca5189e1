#!/usr/bin/env bash
# Regenerates the sample reports in this folder from the demo snapshot, and the screenshot of
# the HTML report (with Debian's Chromium, headless). Run from anywhere:
#
#     bash examples/reports/generate.sh
#
# The samples are the tool's own output, unedited: demo.json is `audit scan -f json`, the
# others are `audit report --from demo.json -f FORMAT`.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=examples/reports
go build -o "$out/.audit" ./cmd/audit
trap 'rm -f "$out/.audit"' EXIT
"$out/.audit" scan --snapshot examples/snapshots/demo.json -f json -o "$out/demo.json" --fail-on none
for f in html:html sarif:sarif junit:junit.xml markdown:md table:txt oscal:oscal.json; do
  "$out/.audit" report --from "$out/demo.json" -f "${f%%:*}" -o "$out/demo.${f#*:}"
done
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars --window-size=1280,1500 \
  --screenshot="$PWD/$out/demo-html.png" "file://$PWD/$out/demo.html" 2>/dev/null
rm -rf "$profile"
