# Native unit tests of the platform-neutral core (cmocka), built and run these ways:
#   unit           gcc
#   unit-asan      clang with AddressSanitizer and UndefinedBehaviorSanitizer
#   unit-valgrind  the gcc build under valgrind (memcheck, definite leaks are errors)
#   unit-tsan      the handle table's tests under ThreadSanitizer
#   unit-i386      clang for 32-bit x86 Linux, against Debian's i386 libc and cmocka
#                  from the emulated 32-bit Wine's tree, run under its qemu-i386:
#                  the 32-bit handle encoding and every parser, natively
#   unit-pe-ARCH   the same tests as PE programs under Wine (tests/unit/pe.mk)
# plus the libFuzzer targets for a short time each (tests/fuzz/fuzz.mk).
#
# Builds happen inside the recipe, not as prerequisites, so that a test that fails to
# build still shows up as a FAIL in the summary instead of silently running nothing.
# "make check-unit" alone ends with a verdict on its own suites.
#
# Included from tests/tests.mk; BUILD, CORE_SRCS and HEADERS come from the Makefile.

NATIVE_DIR      := $(BUILD)/native
UNIT_NAMES      := $(patsubst tests/unit/%.c,%,$(sort $(wildcard tests/unit/test_*.c)))
# src/standalone/native: the small stand-in for <windows.h> the core needs natively.
NATIVE_INCLUDES := -Isrc/standalone/native -Isrc -Isrc/standalone -Iinclude -Icommon
UNIT_CFLAGS     := -std=gnu11 -O2 -g -Wall -Wextra -Werror=implicit-function-declaration \
                   $(NATIVE_INCLUDES) -Itests/lib -I$(BUILD)/generated $(TEST_BUILD_FLAGS)
UNIT_LIBS       := -lcmocka -lpthread
UNIT_SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_VALGRIND   := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
# unit-i386 needs the i386 tree of the emulated 32-bit Wine: with the i686 suites.
UNIT_I386       := $(filter i686,$(ARCHES))
UNIT_SUITES     := unit unit-asan unit-valgrind unit-tsan $(if $(UNIT_I386),unit-i386)
# Sanitizer reports end the process with a non-zero status (run-tests.sh sees it);
# one test asks malloc for more than it can give and expects NULL.
UNIT_ASAN_ENV   := ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:strict_string_checks=1 \
                   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The tools' pure parts, tested natively like the core: dsbackup's manifest
# parser and writer (tools/dsbackup/manifest.c) and its SHA-256 (sha256.c,
# sha256_x86.c).
TOOL_CORE_SRCS    := tools/dsbackup/manifest.c tools/dsbackup/sha256.c tools/dsbackup/sha256_x86.c
TOOL_CORE_HEADERS := tools/dsbackup/manifest.h tools/dsbackup/sha256.h

# NIST's byte-oriented SHA-256 vectors for test_sha256, from the copy Debian's
# python3-cryptography-vectors ships (.ci/install-deps), as a C header.
NIST_SHA2_VECTORS := /usr/lib/python3/dist-packages/cryptography_vectors/hashes/SHA2
GENERATED_DIR     := $(BUILD)/generated
SHA256_VECTORS_H  := $(GENERATED_DIR)/sha256_nist_vectors.h
$(SHA256_VECTORS_H): tests/unit/sha256_nist_vectors.py
	@mkdir -p $(@D)
	@test -f $(NIST_SHA2_VECTORS)/SHA256ShortMsg.rsp || { echo "$(NIST_SHA2_VECTORS) is missing: apt-get install python3-cryptography-vectors (make deps)" >&2; exit 1; }
	python3 $< $(NIST_SHA2_VECTORS) $@

# $(1): flavour (directory under $(NATIVE_DIR)), $(2): compiler, $(3): extra flags
define UNIT_FLAVOUR_RULES
UNIT_$(1)_CORE := $$(patsubst %.c,$(NATIVE_DIR)/$(1)/core/%.o,$(notdir $(CORE_SRCS) $(FAULT_SRCS))) \
                  $$(patsubst tools/dsbackup/%.c,$(NATIVE_DIR)/$(1)/tools/%.o,$(TOOL_CORE_SRCS))
UNIT_$(1)_BINS := $$(addprefix $(NATIVE_DIR)/$(1)/,$(UNIT_NAMES))
UNIT_$(1)_OBJS := $$(patsubst %,$(NATIVE_DIR)/$(1)/unit/%.o,$(UNIT_NAMES))
# Kept between runs (not intermediate files), so that a rebuild is incremental.
.SECONDARY: $$(UNIT_$(1)_CORE) $$(UNIT_$(1)_OBJS)

$(NATIVE_DIR)/$(1)/core/%.o: %.c $(HEADERS)
	@mkdir -p $$(@D)
	$(2) $(UNIT_CFLAGS) $(3) -c $$< -o $$@

$(NATIVE_DIR)/$(1)/tools/%.o: tools/dsbackup/%.c $(TOOL_CORE_HEADERS)
	@mkdir -p $$(@D)
	$(2) $(UNIT_CFLAGS) $(3) -c $$< -o $$@

$(NATIVE_DIR)/$(1)/unit/%.o: tests/unit/%.c tests/unit/unit.h $(HEADERS) $(TOOL_CORE_HEADERS)
	@mkdir -p $$(@D)
	$(2) $(UNIT_CFLAGS) $(3) -Itools/dsbackup -c $$< -o $$@

$(NATIVE_DIR)/$(1)/unit/test_sha256.o $(NATIVE_DIR)/$(1)/unit/test_sha256_model.o: $(SHA256_VECTORS_H) \
    tools/dsbackup/sha256_x86.c

$(NATIVE_DIR)/$(1)/test_%: $(NATIVE_DIR)/$(1)/unit/test_%.o $$(UNIT_$(1)_CORE)
	$(2) $(3) -o $$@ $$^ $(UNIT_LIBS)

unit-build-$(1): $$(UNIT_$(1)_BINS)
endef
$(eval $(call UNIT_FLAVOUR_RULES,gcc,gcc,))
$(eval $(call UNIT_FLAVOUR_RULES,asan,clang,$(UNIT_SAN_FLAGS)))
# ThreadSanitizer, for the one part built for threads: the handle table.
$(eval $(call UNIT_FLAVOUR_RULES,tsan,clang,-fsanitize=thread -fno-omit-frame-pointer))
# 32-bit x86: the i386 tree of tests/wine32/wine32 (make wine32) supplies libc and cmocka.
# Asked for only when an i386 object is built, after make wine32.
I386_SYSROOT = $(shell tests/wine32/wine32 --i386-sysroot)
$(eval $(call UNIT_FLAVOUR_RULES,i386,clang --target=i386-linux-gnu --sysroot=$$(I386_SYSROOT),))

.PHONY: unit-build unit-build-gcc unit-build-asan unit-suites
unit-build: unit-build-gcc unit-build-asan $(NATIVE_DIR)/tsan/test_handle_table

unit-suites: $(WINE32_READY)
	@$(MAKE) --no-print-directory -k unit-build || true
	@tests/run-suite.sh unit tests/unit/run-tests.sh -- $(UNIT_gcc_BINS)
	@$(UNIT_ASAN_ENV) tests/run-suite.sh unit-asan tests/unit/run-tests.sh -- $(UNIT_asan_BINS)
	@tests/run-suite.sh unit-valgrind tests/unit/run-tests.sh $(UNIT_VALGRIND) -- $(UNIT_gcc_BINS)
	@TSAN_OPTIONS=halt_on_error=1 tests/run-suite.sh unit-tsan tests/unit/run-tests.sh -- $(NATIVE_DIR)/tsan/test_handle_table
	$(if $(UNIT_I386),@$(MAKE) --no-print-directory -k unit-build-i386 || true)
	$(if $(UNIT_I386),@tests/run-suite.sh unit-i386 tests/unit/run-tests.sh tests/wine32/wine32 --run-i386 -- $(UNIT_i386_BINS))

check-unit:
	@$(MAKE) --no-print-directory unit-suites
	@$(MAKE) --no-print-directory fuzz-suites
	@$(MAKE) --no-print-directory unit-pe-suites
	@tests/unit/verdict.sh check-unit $(UNIT_SUITES) $(FUZZ_SUITES) $(addprefix unit-pe-,$(ARCHES))

include tests/fuzz/fuzz.mk
include tests/unit/pe.mk
