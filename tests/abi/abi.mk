# The ABI suite: ntdsbcli.dll, its import libraries and include/*.h against the
# interface of Microsoft's DLL as the mingw-w64 SDK and its documentation give it.
#
#   abi-spec     the one export list: ntdsbcli.def (made from ntdsbcli.spec) agrees
#                with winebuild's reading of the .spec, names and i686 @N
#   abi-exports  the 28 undecorated exports, nothing else; only system DLL imports;
#                the import libraries' thunk and __imp_ symbols (i686: _Name@N)
#   abi-stack    i686: every ret of every export pops the .def's @N bytes
#   abi-link     a client built with the SDK header links with our import library
#                (both arches), one built with our header links with mingw-w64's
#                library, and the x86-64 client runs under Wine with our DLL
#   abi-consts   every #define, type layout and prototype of our headers equals the
#                SDK's (both arches, ANSI and UNICODE; compile-time, no Wine)
#   abi-headers  our header compiles silently with -Wall -Wextra -pedantic as C and C++
#   abi-release  the DLL that ships has no test hooks (no fault injection); the test
#                build has them
#
# Each suite prints a TAP line per check into build/results/abi-*.out (see
# tests/run-suite.sh); "make check-abi" ends with its own total and fails if any
# check failed.  Work files go to $(BUILD)/abi.  Needs python3, the mingw-w64 gcc
# and g++ for both arches, wine (64-bit) for abi-link, and winebuild (wine64-tools)
# for abi-spec.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

ABI_DEPS := ntdsbcli.def $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a \
              $(BUILD)/$(a)/test/ntdsbcli.dll)
ABI_RUN  := BUILD='$(BUILD)' ARCHES='$(ARCHES)' tests/run-suite.sh
ABI_SUITES := abi-spec abi-exports $(if $(filter i686,$(ARCHES)),abi-stack) abi-consts abi-headers abi-link abi-release

check-abi: $(ABI_DEPS) $(WINE32_READY)
	@mkdir -p $(BUILD)/abi
	@rm -f build/results/abi-*.out
	@$(ABI_RUN) abi-spec python3 tests/abi/check-spec.py
	@$(ABI_RUN) abi-exports python3 tests/abi/check-exports.py
ifneq ($(filter i686,$(ARCHES)),)
	@$(ABI_RUN) abi-stack python3 tests/abi/check-stack.py --arch i686 \
	    --dll $(BUILD)/i686/ntdsbcli.dll --def ntdsbcli.def
endif
	@$(ABI_RUN) abi-consts python3 tests/abi/check-consts.py
	@$(ABI_RUN) abi-headers tests/abi/check-headers.sh
	@$(ABI_RUN) abi-link python3 tests/abi/check-link.py
	@$(ABI_RUN) abi-release python3 tests/abi/check-no-test-hooks.py
	@tests/unit/verdict.sh check-abi $(ABI_SUITES)
