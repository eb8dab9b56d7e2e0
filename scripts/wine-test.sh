#!/usr/bin/env bash
# Runs the Windows (amd64) test binary of every package under Debian's
# wine, so Windows code paths are tested on every CI run. Tests that need
# Chrome, the AWS CLI or a Unix tool skip there with the reason (testenv),
# or are Unix-only by build tag (cmd/samlgo's end-to-end tests).
#
# Two gaps of wine 8.0 are bridged here, for the test run only:
#  - Go 1.26 programs load ProcessPrng from bcryptprimitives.dll, which
#    wine 8.0 lacks: a stand-in DLL forwards it to advapi32's
#    SystemFunction036 (RtlGenRandom), the same call, built from a .def
#    file by the MinGW linker.
#  - wine answers FileDispositionInformationEx with "invalid function",
#    which os.RemoveAll does not fall back from, so every t.TempDir cleanup
#    would fail: a build overlay sets the standard library's own switch to
#    its fallback path (internal/syscall/windows.TestDeleteatFallback).
#
# Prints a summary line: packages, tests run, passed, skipped, failed.
# Usage: scripts/wine-test.sh [package pattern...] (default ./...)
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$wine" ] || { echo "wine64 is missing: scripts/test-deps.sh installs Debian's wine64" >&2; exit 1; }
command -v x86_64-w64-mingw32-ld >/dev/null || { echo "x86_64-w64-mingw32-ld is missing: scripts/test-deps.sh installs binutils-mingw-w64-x86-64" >&2; exit 1; }

wineserver=$(command -v wineserver || ls "$(dirname "$wine")"/wineserver* 2>/dev/null | head -1)

work=$(mktemp -d)
# mscoree and mshtml off: no offer to download Mono or Gecko.
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() { [ -z "$wineserver" ] || "$wineserver" -k 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$wine" wineboot --init >/dev/null 2>&1 || true
[ -z "$wineserver" ] || "$wineserver" -w 2>/dev/null || true
printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng=advapi32.SystemFunction036\n' >"$work/bcp.def"
x86_64-w64-mingw32-ld -shared -e 0 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" "$work/bcp.def"

printf 'package windows\n\nfunc init() { TestDeleteatFallback = true }\n' >"$work/wine_deleteat.go"
printf '{"Replace":{"%s/src/internal/syscall/windows/zz_wine_deleteat.go":"%s/wine_deleteat.go"}}\n' \
  "$($GO env GOROOT)" "$work" >"$work/overlay.json"

mkdir -p "$work/bin" "$work/log"
# Each package's import path and folder, from one go list.
$GO list -f '{{.ImportPath}} {{.Dir}}' "${@:-./...}" >"$work/pkgs"
pkgs=$(cut -d' ' -f1 "$work/pkgs")
# Build every test binary first (two at a time), then run them one by one.
printf '%s\n' $pkgs | xargs -P 2 -I{} sh -c '
  name=$(echo "{}" | tr / _)
  GOOS=windows GOARCH=amd64 '"$GO"' test -c -overlay "'"$work"'/overlay.json" -o "'"$work"'/bin/$name.test.exe" "{}" >"'"$work"'/log/$name.build" 2>&1 \
    || { cat "'"$work"'/log/$name.build"; exit 255; }'

# printed VERDICT LOG: what each test with that verdict printed (go test
# -v prints it before the verdict); for FAIL also whatever ends the log (a
# panic, a timeout).
printed() {
  awk -v v="$1" '/^=== /{buf=""; next} $0 ~ "^ *--- " v {printf "%s%s\n", buf, $0; buf=""; next}
    /^ *--- /{buf=""; next} {buf=buf $0 "\n"} END{if (v == "FAIL") printf "%s", buf}' "$2"
}

npkg=0 run=0 pass=0 skip=0 fail=0 failed=()
for pkg in $pkgs; do
  name=$(echo "$pkg" | tr / _)
  exe=$work/bin/$name.test.exe
  [ -f "$exe" ] || continue # no test files
  npkg=$((npkg + 1))
  dir=$(awk -v p="$pkg" '$1 == p {print substr($0, length(p) + 2)}' "$work/pkgs")
  log=$work/log/$name.log
  # The tests isolate HOME and the Windows profile folders themselves; CI
  # and SAMLGO_TEST_REQUIRE are unset so that what only Linux has here
  # (Chromium, the AWS CLI, moto, sh) is a skip with its reason.
  if (cd "$dir" && env -u CI -u SAMLGO_TEST_REQUIRE timeout 600 "$wine" "$exe" -test.v -test.timeout=9m) >"$log" 2>&1; then
    status=ok
  else
    status=FAIL
    failed+=("$pkg")
  fi
  p=$(grep -c -- '^\s*--- PASS' "$log" || true)
  s=$(grep -c -- '^\s*--- SKIP' "$log" || true)
  f=$(grep -c -- '^\s*--- FAIL' "$log" || true)
  run=$((run + p + s + f)) pass=$((pass + p)) skip=$((skip + s)) fail=$((fail + f))
  printf '%-4s %-55s pass %3d skip %3d fail %3d\n' "$status" "$pkg" "$p" "$s" "$f"
  [ $status = ok ] || printed FAIL "$log" | head -"${WINE_TEST_LINES:-60}"
  [ -z "${WINE_TEST_LOGS:-}" ] || { mkdir -p "$WINE_TEST_LOGS"; cp "$log" "$WINE_TEST_LOGS/"; }
  [ "${WINE_TEST_SKIPS:-}" != 1 ] || printed SKIP "$log"
done
echo "wine: $npkg packages, $run tests: $pass passed, $skip skipped, $fail failed"
[ ${#failed[@]} -eq 0 ] || { echo "failed under wine: ${failed[*]}" >&2; exit 1; }
