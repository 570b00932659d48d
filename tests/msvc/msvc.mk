# The msvc suite: ntdsbcli for programs built with Microsoft-style toolchains.
#
#   msvc-build  (tests/msvc/check-msvc.py) our headers compile in MSVC mode (clang
#               --target=<arch>-pc-windows-msvc, clang-cl) without a mingw-w64
#               name; ntdsbcli.lib holds the right short import objects and agrees
#               with libntdsbcli.a; GNU ld links against it; a backup client is
#               compiled by clang-cl and linked by lld-link against it, for both
#               arches, and its import table checked
#   msvc-run    (tests/msvc/run.sh) those clients run a whole backup under Wine,
#               the bytes checked against the files; i686 through the emulated
#               32-bit Wine (tests/wine32/wine32)
#
# CLANG, LLD_LINK, LLVM_DLLTOOL, LLVM_READOBJ, LLVM_NM name the LLVM tools.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

MSVC_RUN := BUILD='$(BUILD)' ARCHES='$(ARCHES)' LLVM_DLLTOOL='$(LLVM_DLLTOOL)' tests/run-suite.sh

.PHONY: check-msvc
check-msvc: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a $(BUILD)/$(a)/ntdsbcli.lib) $(WINE32_READY)
	@$(MSVC_RUN) msvc-build python3 tests/msvc/check-msvc.py
	@$(MSVC_RUN) msvc-run tests/msvc/run.sh
