#!/usr/bin/env bash
# Installs what the tests need on a Debian machine, so `make test` runs
# every test with nothing skipped. Idempotent: installs only what is
# missing. Everything comes from Debian's packages; nothing is downloaded
# from elsewhere.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
# Chromium for the browser tests.
command -v chromium >/dev/null || need+=(chromium)
# AWS CLI v2 (Debian's awscli). A pip-installed v1 may shadow it on PATH,
# so the tests look for /usr/bin/aws first.
{ [ -x /usr/bin/aws ] && /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2'; } || need+=(awscli)
# Shells whose export lines the tests evaluate.
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
# tmux drives the interactive picker test; Xvfb gives the visible-window
# tests a display.
command -v tmux >/dev/null || need+=(tmux)
command -v Xvfb >/dev/null || need+=(xvfb)
# MIT Kerberos for the Kerberos sign-in test (internal/kdc): a throw-away
# realm run by the test itself, never the packages' own services. krb5kdc
# and kdb5_util come with krb5-kdc, kadmin.local with krb5-admin-server,
# kinit with krb5-user; the first two live in /usr/sbin.
{ [ -x /usr/sbin/krb5kdc ] && [ -x /usr/sbin/kdb5_util ]; } || need+=(krb5-kdc)
[ -x /usr/sbin/kadmin.local ] || need+=(krb5-admin-server)
command -v kinit >/dev/null || need+=(krb5-user)
# Wine runs the Windows test binaries (scripts/wine-test.sh); the MinGW
# linker builds its bcryptprimitives.dll stand-in.
[ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null || need+=(wine64)
command -v x86_64-w64-mingw32-ld >/dev/null || need+=(binutils-mingw-w64-x86-64)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# moto_server (Python moto) ships with the image; PyPI is not reachable
# here, so it cannot be installed by this script.
if ! command -v moto_server >/dev/null; then
  echo "moto_server is missing: the STS wire-protocol tests need Python moto[server] (pip install 'moto[server]')" >&2
  exit 1
fi
