#!/bin/sh
# Exits 0 if this machine can run 32-bit Windows programs under Wine.
dpkg -s wine32:i386 >/dev/null 2>&1
