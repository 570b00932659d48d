# make check-install: make install / uninstall into staging folders, clients built
# against the installed files with pkg-config, and make install-wine /
# uninstall-wine in throwaway Wine prefixes (tests/install/run.sh), and
# install-wine into the prefixes users have: 64-bit without its 32-bit side, the
# directory online or offline, a wineserver kept running (tests/install/prefixes.sh).
# The Makefile must include install.mk (the targets under test).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

.PHONY: check-install
check-install: all $(WINE32_READY)
	@BUILD=$(BUILD) tests/run-suite.sh install bash tests/install/run.sh
	@BUILD=$(BUILD) tests/run-suite.sh install-prefixes bash tests/install/prefixes.sh
