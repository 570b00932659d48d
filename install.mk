# install.mk: make install, uninstall, install-wine and uninstall-wine.  The
# Makefile includes it.  tools/install.sh installs headers, import libraries, DLLs
# and pkg-config files for mingw-w64 and documents what goes where and how other
# packages' files are kept safe; tools/ntdsbcli-setup sets up a Wine prefix (the
# same command the package ntdsbcli-wine installs), here with the files make
# built, and with the emulated 32-bit Wine for a prefix without a 32-bit side
# (used if make wine32 built it).  make builds what they install and passes its variables on (unset ones
# take the scripts' defaults).
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]     make uninstall [PREFIX=] [DESTDIR=]
#   make install-wine WINEPREFIX=<prefix> [FORCE=1] [SERVICE=0]
#   make uninstall-wine WINEPREFIX=<prefix>           (and WINE=, WINESERVER=)
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

.PHONY: install uninstall install-wine uninstall-wine

INSTALL_SH = PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' BUILD='$(BUILD)' VERSION='$(VERSION)' tools/install.sh
# The prefix is named, never ~/.wine by default: make is run from a source tree.
SETUP_WINE = @if [ -z '$(WINEPREFIX)' ]; then \
	    echo "ntdsbcli $@: needs the Wine prefix: make $@ WINEPREFIX=/path/to/prefix" >&2; exit 1; fi; \
	WINEPREFIX='$(WINEPREFIX)' WINE='$(WINE)' WINESERVER='$(WINESERVER)' \
	NTDSBCLI_WINE32='$(CURDIR)/tests/wine32/wine32' tools/ntdsbcli-setup

install: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a $(BUILD)/$(a)/ntdsbcli.lib)
	@$(INSTALL_SH) install

uninstall:
	@$(INSTALL_SH) uninstall

# The DLLs and tools marked as Wine builtins, as the packages have them.
install-wine: builtin
	$(SETUP_WINE) --files-from '$(BUILD)' $(if $(filter 1,$(FORCE)),--force) $(if $(filter 0,$(SERVICE)),--no-service)

uninstall-wine:
	$(SETUP_WINE) --undo
