# The test programs: how each is built.  Which suite runs which program, and with
# what, is the one list of suites in tests/tests.mk.
#
#   build/ARCH/conformance.exe   the conformance units (tests/conformance/*.c)
#   build/ARCH/reliability.exe   the reliability units (tests/reliability/)
#   build/ARCH/dsbackup_tests.exe  dsbackup's threaded parts (tests/dsbackup/)
#   build/ARCH/unit/unit.exe     the unit tests as one PE program on wine/test.h
#   build/native/FLAVOUR/test_*  the unit tests natively with cmocka: gcc, asan,
#                                tsan (the handle table), i386 (under qemu-i386)
#   build/native/fuzz/fuzz_*     the libFuzzer targets
#   build/ARCH/svcprobe.exe, build/ARCH/test/dsbackup-crash.exe   helpers of suites
#
# PE test programs speak Wine's test dialect (tests/lib/wine/test.h) and, like the
# DLL, build with warnings as errors.  Included from tests/tests.mk; BUILD,
# ARCHES, CORE_SRCS and the other source lists come from the Makefile.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

PE_TEST_CFLAGS := $(CFLAGS_COMMON) -Iinclude -Itests/lib -Icommon
PE_TEST_HDRS   := tests/lib/wine/test.h tests/lib/ntds_test_support.h include/ntdsbcli.h include/ntdsbmsg.h \
                  common/ntds_layout.h

# --- PE programs of wine/test.h units ---------------------------------------------
# Each is one program per architecture whose units (START_TEST, one per file) run
# by name, as Wine's test programs do: NAME_UNITS, NAME_SRCS (what the units
# share), NAME_HDRS and NAME_LIBS (beyond the import library) describe it.
conformance_UNITS := $(sort $(wildcard tests/conformance/*.c))
conformance_SRCS  := tests/lib/ntds_test_support.c
conformance_HDRS  := $(wildcard tests/conformance/*.h)
conformance_LIBS  := -static -ladvapi32 -lversion

reliability_PARTS := faults changes handles durability
reliability_UNITS := $(addprefix tests/reliability/,$(addsuffix .c,$(reliability_PARTS)))
reliability_SRCS  := tests/reliability/common.c tests/lib/ntds_test_support.c
reliability_HDRS  := tests/reliability/reliability.h tests/conformance/dsa_paths.h
reliability_LIBS  := -static -ladvapi32

# The parts of dsbackup that need Windows' threads and files, with the sources
# they call, built with the tool's definitions.
dsbackup_tests_UNITS  := $(sort $(wildcard tests/dsbackup/*.c))
dsbackup_tests_SRCS   := $(addprefix tools/dsbackup/,flusher.c pipeline.c output.c system.c sha256.c sha256_x86.c) \
                         common/errors.c
dsbackup_tests_HDRS   := tests/dsbackup/dsbackup_tests.h $(DSBACKUP_HEADERS) $(TOOL_HEADERS)
dsbackup_tests_CFLAGS := $(TOOL_DEFINES) -Itools/dsbackup
dsbackup_tests_LIBS   := -static

PE_TEST_PROGRAMS := conformance reliability dsbackup_tests

# $(1): program, $(2): architecture
define PE_TEST_PROGRAM
$(BUILD)/$(2)/$(1).exe: $$($(1)_UNITS) $$($(1)_SRCS) $$($(1)_HDRS) $(PE_TEST_HDRS) $(BUILD)/$(1)/testlist.c \
        $(BUILD)/$(2)/libntdsbcli.a
	@mkdir -p $$(@D)
	$(2)-w64-mingw32-gcc $(PE_TEST_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$($(1)_UNITS) $$($(1)_SRCS) \
	    $(BUILD)/$(1)/testlist.c -L$(BUILD)/$(2) -lntdsbcli $$($(1)_LIBS)
endef
# $(1): program; its list of units depends on its units only.
define PE_TEST_LIST
$(BUILD)/$(1)/testlist.c: tests/lib/make-testlist.sh $$($(1)_UNITS)
	@mkdir -p $$(@D)
	tests/lib/make-testlist.sh $$($(1)_UNITS) > $$@
endef
$(foreach p,$(PE_TEST_PROGRAMS),$(eval $(call PE_TEST_LIST,$(p)))\
    $(foreach a,$(ARCHES),$(eval $(call PE_TEST_PROGRAM,$(p),$(a)))))

# The units Wine's tree gets (all but standalone_*.c), with only what they would
# find there besides Windows' headers: a wine/test.h (ours stands in for Wine's)
# and the DLL's ntds_layout.h (tests/conformance/check-sdk.sh builds them).
WINE_TREE_TESTS        := $(BUILD)/conformance/wine-tree
WINE_TREE_TEST_FILES   := $(WINE_TREE_TESTS)/include/wine/test.h $(WINE_TREE_TESTS)/include/ntds_layout.h
$(WINE_TREE_TESTS)/include/wine/test.h: tests/lib/wine/test.h
	@mkdir -p $(@D) && cp $< $@
$(WINE_TREE_TESTS)/include/ntds_layout.h: common/ntds_layout.h
	@mkdir -p $(@D) && cp $< $@

# --- helpers of suites --------------------------------------------------------------
# svcprobe.exe asks the service manager what the service suite checks.
# dsbackup-crash.exe is dsbackup built to end its process right after
# DsRestoreRegisterW, as a crash would: only this test build has that switch
# (tools/dsbackup/restore.c).
define SUITE_HELPERS
$(BUILD)/$(1)/svcprobe.exe: tests/service/probe.c $(TOOL_HEADERS)
	@mkdir -p $$(@D)
	$(1)-w64-mingw32-gcc $(TOOL_CFLAGS) -o $$@ $$< -static

$(BUILD)/$(1)/test/dsbackup-crash.exe: $(DSBACKUP_SRCS) $(DSBACKUP_HEADERS) $(TOOL_COMMON_SRCS) $(TOOL_HEADERS) \
        $(BUILD)/$(1)/libntdsbcli.a
	@mkdir -p $$(@D)
	$(1)-w64-mingw32-gcc $(TOOL_CFLAGS) -Itools/dsbackup -DDSBACKUP_TEST_CRASH_AFTER_REGISTER -o $$@ \
	    $(DSBACKUP_SRCS) $(TOOL_COMMON_SRCS) -L$(BUILD)/$(1) -lntdsbcli $(WIN_LDFLAGS) $(DSBACKUP_LIBS)
endef
$(foreach a,$(ARCHES),$(eval $(call SUITE_HELPERS,$(a))))

# --- the unit tests -----------------------------------------------------------------
# The platform-neutral core and the tools' pure parts (dsbackup's manifest parser
# and writer, its SHA-256), each test_*.c a cmocka program natively.
NATIVE_DIR        := $(BUILD)/native
UNIT_NAMES        := $(patsubst tests/unit/%.c,%,$(sort $(wildcard tests/unit/test_*.c)))
TOOL_CORE_SRCS    := tools/dsbackup/manifest.c tools/dsbackup/sha256.c tools/dsbackup/sha256_x86.c
TOOL_CORE_HEADERS := tools/dsbackup/manifest.h tools/dsbackup/sha256.h
# src/standalone/native: the small stand-in for <windows.h> the core needs natively.
NATIVE_INCLUDES   := -Isrc/standalone/native -Isrc -Isrc/standalone -Iinclude -Icommon
UNIT_CFLAGS       := $(CFLAGS_COMMON) $(NATIVE_INCLUDES) -Itests/lib -I$(BUILD)/generated $(TEST_BUILD_FLAGS)
UNIT_SAN_FLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# NIST's byte-oriented SHA-256 vectors for test_sha256, from the copy Debian's
# python3-cryptography-vectors ships (.ci/install-deps), as a C header.
NIST_SHA2_VECTORS := /usr/lib/python3/dist-packages/cryptography_vectors/hashes/SHA2
SHA256_VECTORS_H  := $(BUILD)/generated/sha256_nist_vectors.h
$(SHA256_VECTORS_H): tests/unit/sha256_nist_vectors.py
	@mkdir -p $(@D)
	@test -f $(NIST_SHA2_VECTORS)/SHA256ShortMsg.rsp || { echo "$(NIST_SHA2_VECTORS) is missing: apt-get install python3-cryptography-vectors (make deps)" >&2; exit 1; }
	python3 $< $(NIST_SHA2_VECTORS) $@
# test_sha256 and test_sha256_model read the vectors; the model builds
# sha256_x86.c itself.
UNIT_SHA256_DEPS  := $(SHA256_VECTORS_H) tools/dsbackup/sha256_x86.c

# $(1): flavour (directory under $(NATIVE_DIR)), $(2): compiler, $(3): extra flags
define UNIT_FLAVOUR
UNIT_$(1)_CORE := $$(patsubst %.c,$(NATIVE_DIR)/$(1)/core/%.o,$(notdir $(CORE_SRCS) $(FAULT_SRCS))) \
                  $$(patsubst tools/dsbackup/%.c,$(NATIVE_DIR)/$(1)/tools/%.o,$(TOOL_CORE_SRCS))
UNIT_$(1)_BINS := $$(addprefix $(NATIVE_DIR)/$(1)/,$(UNIT_NAMES))
# Kept between runs (not intermediate files), so that a rebuild is incremental.
.SECONDARY: $$(UNIT_$(1)_CORE) $$(patsubst %,$(NATIVE_DIR)/$(1)/unit/%.o,$(UNIT_NAMES))

$(NATIVE_DIR)/$(1)/core/%.o: %.c $(HEADERS)
	@mkdir -p $$(@D)
	$(2) $(UNIT_CFLAGS) $(3) -c $$< -o $$@

$(NATIVE_DIR)/$(1)/tools/%.o: tools/dsbackup/%.c $(TOOL_CORE_HEADERS)
	@mkdir -p $$(@D)
	$(2) $(UNIT_CFLAGS) $(3) -c $$< -o $$@

$(NATIVE_DIR)/$(1)/unit/%.o: tests/unit/%.c tests/unit/unit.h $(HEADERS) $(TOOL_CORE_HEADERS)
	@mkdir -p $$(@D)
	$(2) $(UNIT_CFLAGS) $(3) -Itools/dsbackup -c $$< -o $$@

$(NATIVE_DIR)/$(1)/unit/test_sha256.o $(NATIVE_DIR)/$(1)/unit/test_sha256_model.o: $(UNIT_SHA256_DEPS)

$(NATIVE_DIR)/$(1)/test_%: $(NATIVE_DIR)/$(1)/unit/test_%.o $$(UNIT_$(1)_CORE)
	$(2) $(3) -o $$@ $$^ -lcmocka -lpthread
endef
$(eval $(call UNIT_FLAVOUR,gcc,gcc,))
$(eval $(call UNIT_FLAVOUR,asan,clang,$(UNIT_SAN_FLAGS)))
# ThreadSanitizer, for the one part built for threads: the handle table.
$(eval $(call UNIT_FLAVOUR,tsan,clang,-fsanitize=thread -fno-omit-frame-pointer))
# 32-bit x86 Linux: the i386 tree of the emulated 32-bit Wine (make wine32)
# supplies libc and cmocka; asked for only when an i386 object is built.
I386_SYSROOT = $(shell tests/wine32/wine32 --i386-sysroot)
$(eval $(call UNIT_FLAVOUR,i386,clang --target=i386-linux-gnu --sysroot=$$(I386_SYSROOT),))

# The same tests as one PE program per architecture, run under Wine: the core
# compiled by mingw-w64 for the Windows ABI (32-bit handles and pointers on i686,
# a 16-bit wchar_t).  Each test program is a unit of unit.exe (its main()
# renamed unit_main_NAME), and cmocka's calls go onto wine/test.h
# (tests/unit/cmocka_on_winetest.h), so no cmocka is built for Windows.
PE_UNIT_CFLAGS := $(CFLAGS_COMMON) -D_WIN32_WINNT=0x0601 -Isrc -Isrc/standalone -Iinclude -Icommon -Itests/lib \
                  -Itools/dsbackup -I$(BUILD)/generated $(TEST_BUILD_FLAGS)

$(BUILD)/unit-pe/testlist.c: $(wildcard tests/unit/test_*.c) tests/lib/make-testlist.sh
	@mkdir -p $(@D)
	tests/lib/make-testlist.sh --mains $(addprefix tests/unit/,$(addsuffix .c,$(UNIT_NAMES))) > $@

# What of common/ needs Windows, and so is tested in these builds only: the rule
# for a configured value as the registry holds it (test_config_path).
PE_UNIT_WIN_SRCS := common/config_path_value.c

define PE_UNIT_PROGRAM
PE_UNIT_$(1)_CORE  := $$(patsubst %.c,$(BUILD)/$(1)/unit/core/%.o,$(notdir $(CORE_SRCS) $(FAULT_SRCS) $(TOOL_CORE_SRCS) \
                      $(PE_UNIT_WIN_SRCS)))
PE_UNIT_$(1)_TESTS := $$(patsubst %,$(BUILD)/$(1)/unit/%.o,$(UNIT_NAMES))
.SECONDARY: $$(PE_UNIT_$(1)_CORE) $$(PE_UNIT_$(1)_TESTS)

$(BUILD)/$(1)/unit/core/%.o: %.c $(HEADERS) $(TOOL_CORE_HEADERS)
	@mkdir -p $$(@D)
	$(1)-w64-mingw32-gcc $(PE_UNIT_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/unit/test_%.o: tests/unit/test_%.c tests/unit/unit.h tests/unit/cmocka_on_winetest.h \
        tests/lib/wine/test.h $(HEADERS) $(TOOL_CORE_HEADERS)
	@mkdir -p $$(@D)
	$(1)-w64-mingw32-gcc $(PE_UNIT_CFLAGS) -Dmain=unit_main_test_$$* -c $$< -o $$@

$(BUILD)/$(1)/unit/test_sha256.o $(BUILD)/$(1)/unit/test_sha256_model.o: $(UNIT_SHA256_DEPS)

# test_sha256 checks against Windows' own SHA-256 (BCrypt) too.
$(BUILD)/$(1)/unit/unit.exe: $$(PE_UNIT_$(1)_TESTS) $(BUILD)/unit-pe/testlist.c $$(PE_UNIT_$(1)_CORE) tests/lib/wine/test.h
	$(1)-w64-mingw32-gcc $(PE_UNIT_CFLAGS) -o $$@ $$(PE_UNIT_$(1)_TESTS) $(BUILD)/unit-pe/testlist.c \
	    $$(PE_UNIT_$(1)_CORE) -static -lpthread -lbcrypt
endef
$(foreach a,$(ARCHES),$(eval $(call PE_UNIT_PROGRAM,$(a))))
vpath %.c tools/dsbackup

# --- the fuzzers (clang, libFuzzer with ASan and UBSan) ------------------------------
# The core's parsers (the restore journal's format among them), the rule for
# configured paths, dsbackup's manifest parser (the tools' one parser of
# untrusted input) and dsbackup's SHA-256 against OpenSSL's (libcrypto).
FUZZ_TARGETS := fuzz_attachment_name fuzz_expiry_token fuzz_name_list fuzz_restore_map fuzz_config_path \
                fuzz_restore_journal fuzz_manifest fuzz_sha256
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror $(NATIVE_INCLUDES) -Itests/lib $(TEST_BUILD_FLAGS) \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(NATIVE_DIR)/fuzz/%: tests/fuzz/%.c $(CORE_SRCS) $(FAULT_SRCS) $(HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(FAULT_SRCS)

$(NATIVE_DIR)/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c $(TOOL_CORE_SRCS) $(TOOL_CORE_HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Itools/dsbackup -o $@ $< $(TOOL_CORE_SRCS)

$(NATIVE_DIR)/fuzz/fuzz_sha256: tests/fuzz/fuzz_sha256.c tools/dsbackup/sha256.c tools/dsbackup/sha256_x86.c \
        tools/dsbackup/sha256.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Itools/dsbackup -o $@ $< tools/dsbackup/sha256.c tools/dsbackup/sha256_x86.c -lcrypto
