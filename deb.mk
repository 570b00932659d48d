# deb.mk: make deb, the Debian packages, with Debian's own tools (debian/).  The
# Makefile includes it.
#
#   make deb     build/deb/ntdsbcli-wine64_VERSION_amd64.deb   x86-64 DLL and tools
#                build/deb/ntdsbcli-wine32_VERSION_i386.deb    i686 DLL and tools
#                build/deb/ntdsbcli-wine_VERSION_all.deb       ntdsbcli-setup
#                build/deb/ntdsbcli-dev_VERSION_all.deb        headers, import libraries
#                and their .changes and .buildinfo files; VERSION is the Makefile's, or
#                VERSION+unreleased while CHANGELOG.md has an [Unreleased] section.
#
# The tree is copied (without build/ and .git) to build/deb/ntdsbcli-VERSION/, where
# debian/changelog is written from CHANGELOG.md and the Makefile's VERSION
# (debian/changelog-from-md, which refuses the two if they disagree); there
# dpkg-buildpackage builds the amd64 and architecture-independent packages, then,
# with --host-arch i386 -B, the i386 one: all of it is cross-compiled PE code, so
# the second run executes no 32-bit code either.  Nothing is signed, nothing is
# installed.  tests/deb/run.sh (make check-deb) checks what comes out.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

.PHONY: deb
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/ntdsbcli-$(VERSION)
# dpkg-buildpackage's jobs: as many as make -j was given, else one per core.
DEB_JOBS := $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),$(shell nproc))

deb:
	@rm -rf $(DEB_DIR)
	@mkdir -p $(DEB_SRC)
	@tar -cf - --exclude=./.git --exclude=./$(BUILD) . | tar -xf - -C $(DEB_SRC)
	debian/changelog-from-md CHANGELOG.md $(VERSION) > $(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL DEB_BUILD_OPTIONS="parallel=$(DEB_JOBS) $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -b -us -uc
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL DEB_BUILD_OPTIONS="parallel=$(DEB_JOBS) nocheck $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage --host-arch i386 -B -us -uc -Pcross,nocheck
	@ls -l $(DEB_DIR)/*.deb
