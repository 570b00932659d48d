# make check-deb: the Debian packages (deb.mk, debian/): make deb, lintian, every
# file's path, owner and mode, the builtin marker, then the packages unpacked into a
# temporary root that Wine searches for builtins, with the conformance suite,
# dsbackup and ntdsbcli-setup, for x86-64 and i686 (tests/deb/run.sh).  Nothing is
# installed on this machine.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

.PHONY: check-deb
check-deb: all $(foreach a,$(ARCHES),$(BUILD)/$(a)/conformance.exe) $(BUILD)/x86_64/test/ntdsbcli.dll $(WINE32_READY)
	@BUILD=$(BUILD) tests/run-suite.sh deb bash tests/deb/run.sh
