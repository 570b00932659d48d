# The suites: one list, one rule.
#
# A suite is a command that prints TAP lines (tests/lib/tap-count.awk has the
# format).  tests/lib/run-suite.sh runs it and keeps its output in
# build/results/SUITE.out; tests/lib/summarize.sh adds the results up with the one
# counter and names every suite that should have run and did not (a program that
# failed to build leaves its suites without results: a failure too).
#
#   make check           every suite below but the opt-in ones, each run even after
#                        another failed; ends with "N passed, N failed"
#   make check-GROUP     the suites of one group, with a verdict on them alone:
#                        check-abi, check-msvc, check-unit (check-fuzz, a part of
#                        it), check-wine, check-wine-form, check-service,
#                        check-tools, check-roundtrip, check-install, check-deb,
#                        check-reliability; opt-in: check-wine-tree
#   make suite-NAME      one suite
#   make fuzz            the fuzz suites for $(FUZZ_SECONDS) s each, not 15
#   make reliability-report   the reliability suites, then docs/reliability.md
#
# Each entry is $(call suite,GROUPS,NAME,NEEDS,COMMAND): the groups it belongs to,
# its name (build/results/NAME.out), what make builds before it runs, and the
# command, run from the top of the tree with BUILD and ARCHES in its environment.
# How each test program is built is in tests/programs.mk.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

include tests/programs.mk
-include tests/bench/bench.mk

export BUILD ARCHES LLVM_DLLTOOL

SUITES :=
define suite
SUITES += $(2)
$(foreach g,$(1),$(eval SUITES_$(g) += $(2)))
.PHONY: suite-$(2)
suite-$(2): $(3)
	@tests/lib/run-suite.sh $(2) $(4)
endef

# Every i686 program runs through the emulated 32-bit Wine (tests/wine32/).
I686 := $(filter i686,$(ARCHES))
WINE32_READY := $(if $(I686),wine32)
PE_DLLS := $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a)

# --- abi: the DLL, its import libraries and headers against the SDK's interface ----
#   abi-spec     ntdsbcli.def (made from ntdsbcli.spec) agrees with winebuild's reading
#   abi-exports  the 28 undecorated exports only; system DLL imports only; the import
#                libraries' thunk and __imp_ symbols (i686: _Name@N)
#   abi-stack    i686: every ret of every export pops the .def's @N bytes
#   abi-link     SDK-header clients link with our import library, ours with
#                mingw-w64's, and the x86-64 client runs under Wine with our DLL
#   abi-consts   every #define, type layout and prototype equals the SDK's
#   abi-headers  our header compiles silently with -Wall -Wextra -pedantic, C and C++
#   abi-release  the DLL that ships has no test hooks; the test build has them
ABI_NEEDS := ntdsbcli.def $(PE_DLLS) $(foreach a,$(ARCHES),$(BUILD)/$(a)/test/ntdsbcli.dll) $(WINE32_READY)
$(eval $(call suite,abi,abi-spec,$(ABI_NEEDS),python3 tests/abi/check-spec.py))
$(eval $(call suite,abi,abi-exports,$(ABI_NEEDS),python3 tests/abi/check-exports.py))
$(if $(I686),$(eval $(call suite,abi,abi-stack,$(ABI_NEEDS),python3 tests/abi/check-stack.py --arch i686 \
    --dll $(BUILD)/i686/ntdsbcli.dll --def ntdsbcli.def)))
$(eval $(call suite,abi,abi-consts,$(ABI_NEEDS),python3 tests/abi/check-consts.py))
$(eval $(call suite,abi,abi-headers,$(ABI_NEEDS),tests/abi/check-headers.sh))
$(eval $(call suite,abi,abi-link,$(ABI_NEEDS),python3 tests/abi/check-link.py))
$(eval $(call suite,abi,abi-release,$(ABI_NEEDS),python3 tests/abi/check-no-test-hooks.py))

# --- msvc: for programs built with Microsoft-style toolchains ------------------------
#   msvc-build  our headers in MSVC mode (clang, clang-cl); ntdsbcli.lib's short import
#               objects agree with libntdsbcli.a; a client built by clang-cl and
#               lld-link against it, its import table checked
#   msvc-run    those clients run a whole backup under Wine, the bytes checked
MSVC_NEEDS := $(PE_DLLS) $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.lib) $(WINE32_READY)
$(eval $(call suite,msvc,msvc-build,$(MSVC_NEEDS),python3 tests/msvc/check-msvc.py))
# msvc-run runs the clients msvc-build makes: after it, also when suites run side by side.
$(eval $(call suite,msvc,msvc-run,$(MSVC_NEEDS) suite-msvc-build,tests/msvc/run.sh))

# --- unit: the platform-neutral core and the tools' pure parts -----------------------
#   unit, unit-asan, unit-valgrind   natively with cmocka: gcc; clang with ASan and
#                UBSan; the gcc build under valgrind (definite leaks are errors)
#   unit-tsan    the handle table under ThreadSanitizer
#   unit-i386    32-bit x86 Linux under qemu-i386: the 32-bit handle encoding and
#                every parser, natively
#   unit-pe-ARCH the same tests as one PE program under Wine
#   fuzz-TARGET  each libFuzzer target for $(FUZZ_RUN_SECONDS) s
# Sanitizer reports end the process with a non-zero status (run-tests.sh sees it);
# one test asks malloc for more than it can give and expects NULL.
UNIT_ASAN_ENV := env ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:strict_string_checks=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
UNIT_VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
$(eval $(call suite,unit,unit,$(UNIT_gcc_BINS),tests/unit/run-tests.sh -- $(UNIT_gcc_BINS)))
$(eval $(call suite,unit,unit-asan,$(UNIT_asan_BINS),$(UNIT_ASAN_ENV) tests/unit/run-tests.sh -- $(UNIT_asan_BINS)))
$(eval $(call suite,unit,unit-valgrind,$(UNIT_gcc_BINS),tests/unit/run-tests.sh $(UNIT_VALGRIND) -- $(UNIT_gcc_BINS)))
$(eval $(call suite,unit,unit-tsan,$(NATIVE_DIR)/tsan/test_handle_table,env TSAN_OPTIONS=halt_on_error=1 \
    tests/unit/run-tests.sh -- $(NATIVE_DIR)/tsan/test_handle_table))
$(if $(I686),$(eval $(call suite,unit,unit-i386,wine32 $(UNIT_i386_BINS),tests/unit/run-tests.sh \
    tests/wine32/wine32 --run-i386 -- $(UNIT_i386_BINS))))
$(foreach a,$(ARCHES),$(eval $(call suite,unit,unit-pe-$(a),$(BUILD)/$(a)/unit/unit.exe $(WINE32_READY),\
    tests/lib/run-pe.sh $(a) $(UNIT_NAMES))))
FUZZ_RUN_SECONDS := 15
FUZZ_SECONDS     ?= 300
$(foreach t,$(FUZZ_TARGETS),$(eval $(call suite,unit fuzz,fuzz-$(t),$(NATIVE_DIR)/fuzz/$(t),\
    tests/fuzz/run-fuzz.sh $(t) $(NATIVE_DIR)/fuzz/$(t) $$(FUZZ_RUN_SECONDS) $(BUILD)/fuzz/$(t))))

# --- wine: the conformance tests, every export through the import library and
# LoadLibrary, under Wine in a throwaway prefix with a generated database --------------
#   conformance-sdk  the tests build against the SDK's header; the units Wine's tree
#                    gets build and link on their own
#   wine-ARCH        each unit of conformance.exe in the state of the prefix it needs
$(eval $(call suite,wine,conformance-sdk,$(PE_DLLS) $(WINE_TREE_TEST_FILES),env CFLAGS='$(CFLAGS_COMMON)' \
    LIBS='$(conformance_LIBS)' tests/conformance/check-sdk.sh $(ARCHES)))
$(foreach a,$(ARCHES),$(eval $(call suite,wine,wine-$(a),$(BUILD)/$(a)/conformance.exe $(BUILD)/$(a)/ntdsbcli.dll \
    $(BUILD)/$(a)/ntdssvc.exe $(if $(filter i686,$(a)),$(BUILD)/x86_64/conformance.exe) $(WINE32_READY),\
    tests/conformance/run.sh $(a))))

# --- wine-form: the DLL as Wine's tree takes it (tools/wine-tree) ---------------------
#   wine-form-ARCH  built by Wine's toolchain from Debian's packages (winegcc and
#                   winebuild, Wine's headers and import libraries; for i686 Debian's
#                   libwine-dev:i386 fetched into a cache), -D__WINESRC__, Wine's
#                   warnings as errors, from the .spec; checked (builtin marker,
#                   exports, i686 stack sizes) and run through the conformance suite
#   wine-tree       (opt-in) Debian's Wine source, prepared once and cached, the DLL
#                   and its tests exported into it, built by Wine's own makefiles,
#                   and make dlls/ntdsbcli/tests/check run there
$(foreach a,$(ARCHES),$(eval $(call suite,wine-form,wine-form-$(a),$(BUILD)/$(a)/conformance.exe \
    $(BUILD)/$(a)/ntdssvc.exe $(WINE32_READY),tests/wine-form/run.sh $(a))))
$(eval $(call suite,wine-tree,wine-tree,,tests/wine-form/wine-tree.sh))

# --- service, tools, roundtrip: the programs of tools/ under Wine --------------------
#   service-ARCH           the NTDS stand-in installed, started, stopped and refused
#   service-sessions-ARCH  online or offline as it was left, across Wine sessions
#   service-configured-ARCH  the DLL, the stand-in and dsbackup status agree on
#                          whether the database is configured, value by value
#   tools-ARCH             a backup of a generated sample database with dsbackup
#   dsbackup-units-ARCH    dsbackup's pipeline, flusher and writes (tests/dsbackup/):
#                          copies byte for byte, failures kept and reported
#   compat-ARCH            backups of dsbackup 0.4.0 and today's are interchangeable
#   roundtrip-ARCH         backup, damage and restore, checked byte for byte
$(foreach a,$(ARCHES),\
    $(eval $(call suite,service,service-$(a),all $(BUILD)/$(a)/svcprobe.exe $(BUILD)/$(a)/conformance.exe \
        $(WINE32_READY),bash tests/service/run.sh $(a)))\
    $(eval $(call suite,service,service-sessions-$(a),all $(BUILD)/$(a)/conformance.exe $(WINE32_READY),\
        bash tests/service/sessions.sh $(a)))\
    $(eval $(call suite,service,service-configured-$(a),all $(BUILD)/$(a)/conformance.exe $(WINE32_READY),\
        bash tests/service/configured.sh $(a))))
$(foreach a,$(ARCHES),\
    $(eval $(call suite,tools,tools-$(a),all $(WINE32_READY),bash tools/demo.sh $(a)))\
    $(eval $(call suite,tools,compat-$(a),all $(WINE32_READY),bash tests/compat/run.sh $(a)))\
    $(eval $(call suite,tools,dsbackup-units-$(a),$(BUILD)/$(a)/dsbackup_tests.exe $(WINE32_READY),\
        tests/lib/run-pe.sh --program dsbackup_tests.exe $(a) $(basename $(notdir $(dsbackup_tests_UNITS))))))
$(foreach a,$(ARCHES),$(eval $(call suite,roundtrip,roundtrip-$(a),all $(BUILD)/$(a)/test/dsbackup-crash.exe \
    $(WINE32_READY),bash tests/roundtrip/run.sh $(a))))

# --- install, deb: installed the ways users install it --------------------------------
#   install           make install / uninstall into staging folders, clients built
#                     with pkg-config, make install-wine / uninstall-wine in
#                     throwaway prefixes
#   install-prefixes  install-wine into the prefixes users have: 64-bit without its
#                     32-bit side, online or offline, a wineserver kept running
#   deb               make deb, lintian, every file's path, owner and mode, the
#                     builtin marker, then the packages unpacked into a temporary
#                     root Wine searches for builtins, with the conformance suite,
#                     dsbackup and ntdsbcli-setup, x86-64 and i686; nothing installed
$(eval $(call suite,install,install,all builtin $(WINE32_READY),bash tests/install/run.sh))
$(eval $(call suite,install,install-prefixes,all builtin $(WINE32_READY),bash tests/install/prefixes.sh))
$(eval $(call suite,deb,deb,all $(foreach a,$(ARCHES),$(BUILD)/$(a)/conformance.exe) \
    $(BUILD)/x86_64/test/ntdsbcli.dll $(WINE32_READY),bash tests/deb/run.sh))

# --- reliability: the DLL under faults, changes, handle torture and crashes ----------
#   reliability-PART-ARCH  fault injection along whole sequences, files changing
#                          underneath a backup, handle torture, the durability of a
#                          restore registration (docs/reliability.md)
$(foreach a,$(ARCHES),$(foreach p,$(reliability_PARTS),$(eval $(call suite,reliability,reliability-$(p)-$(a),\
    $(BUILD)/$(a)/reliability.exe $(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/test/ntdsbcli.dll \
    $(BUILD)/$(a)/ntdssvc.exe $(WINE32_READY),tests/reliability/run.sh $(p) $(a)))))

# --- running them -------------------------------------------------------------------
GROUPS       := abi msvc unit fuzz wine wine-form service tools roundtrip install deb reliability wine-tree
OPT_IN       := $(SUITES_wine-tree)
CHECK_SUITES := $(filter-out $(OPT_IN),$(SUITES))
# The longest suite first, so that the others run beside it.
CHECK_ORDER  := $(SUITES_deb) $(filter-out $(SUITES_deb),$(CHECK_SUITES))
# Two suites run at a time (CHECK_JOBS=1: one after the other): most of them wait
# on Wine, each in a prefix of its own, and this machine has two cores.  make
# builds what they share once, and shows each suite's output whole (-Otarget).
CHECK_JOBS   ?= 2
RUN_SUITES    = @$(MAKE) --no-print-directory -k -j$(CHECK_JOBS) -Otarget $(addprefix suite-,$(1)) || true

.PHONY: check fuzz reliability-report fuzz-merge-corpus $(addprefix check-,$(GROUPS))
check: deps
	@$(MAKE) --no-print-directory -j$(CHECK_JOBS) all $(WINE32_READY)
	@rm -rf build/results
	$(call RUN_SUITES,$(CHECK_ORDER))
	@tests/lib/summarize.sh $(CHECK_SUITES)

define GROUP
check-$(1):
	@rm -f $(addprefix build/results/,$(addsuffix .out,$(SUITES_$(1))))
	$(call RUN_SUITES,$(SUITES_$(1)))
	@tests/lib/summarize.sh --label check-$(1) $(SUITES_$(1))
endef
$(foreach g,$(GROUPS),$(eval $(call GROUP,$(g))))

fuzz:
	@$(MAKE) --no-print-directory check-fuzz FUZZ_RUN_SECONDS=$(FUZZ_SECONDS)

reliability-report:
	$(call RUN_SUITES,$(SUITES_reliability))
	@python3 tests/reliability/report.py build/results > docs/reliability.md.tmp && mv docs/reliability.md.tmp docs/reliability.md
	@echo "docs/reliability.md regenerated"
	@tests/lib/summarize.sh --label reliability-report $(SUITES_reliability)

# Deliberately adds what the working corpora found, minimised, to the seed corpora.
fuzz-merge-corpus: $(addprefix $(NATIVE_DIR)/fuzz/,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do mkdir -p $(BUILD)/fuzz/$$t/corpus && \
	    $(NATIVE_DIR)/fuzz/$$t -merge=1 tests/fuzz/corpus/$$t $(BUILD)/fuzz/$$t/corpus 2>&1 \
	    | grep -E '^MERGE-OUTER: [0-9]+ new files'; done

# make demo: a backup of a generated sample database with dsbackup.exe, under a
# throwaway Wine prefix, checked on the Unix side.
.PHONY: demo
demo: deps
	@$(MAKE) --no-print-directory all
	bash tools/demo.sh x86_64
