# install.mk: make install, uninstall, install-wine and uninstall-wine.  The
# Makefile includes it.  tools/install.sh does the work and documents what goes
# where and how other packages' files are kept safe; make builds what it installs
# and passes its variables on (unset ones take the script's defaults).
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]     make uninstall [PREFIX=] [DESTDIR=]
#   make install-wine WINEPREFIX=<prefix> [FORCE=1] [SERVICE=0]
#   make uninstall-wine WINEPREFIX=<prefix>           (and WINE=, WINESERVER=)
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

.PHONY: install uninstall install-wine uninstall-wine

INSTALL_SH = PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' BUILD='$(BUILD)' VERSION='$(VERSION)' \
             WINEPREFIX='$(WINEPREFIX)' FORCE='$(FORCE)' SERVICE='$(SERVICE)' \
             WINE='$(WINE)' WINESERVER='$(WINESERVER)' tools/install.sh

install: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a $(BUILD)/$(a)/ntdsbcli.lib)
	@$(INSTALL_SH) install

uninstall:
	@$(INSTALL_SH) uninstall

install-wine: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/dsbackup.exe $(BUILD)/$(a)/ntdssvc.exe)
	@$(INSTALL_SH) install-wine

uninstall-wine:
	@$(INSTALL_SH) uninstall-wine
