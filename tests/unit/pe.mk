# The unit tests of the platform-neutral core built as PE programs, for x86-64 and
# i686, and run under Wine: the same code as the DLL's, compiled by mingw-w64 for
# the Windows ABI (32-bit handles and pointers on i686, a 16-bit wchar_t).  PE
# programs speak Wine's test dialect: each test program is a unit of one
# unit.exe (its main() renamed unit_main_NAME), and cmocka's calls go onto
# tests/lib/wine/test.h (tests/unit/cmocka_on_winetest.h), so no cmocka is built
# for Windows.
#
#   unit-pe-x86_64, unit-pe-i686   the suites (tests/unit/run-pe.sh)
#
# Included from tests/unit/unit.mk.

PE_UNIT_CFLAGS := $(CFLAGS_COMMON) -D_WIN32_WINNT=0x0601 -Isrc -Isrc/standalone -Iinclude -Icommon -Itests/lib -Itools/dsbackup \
                  -I$(BUILD)/generated $(TEST_BUILD_FLAGS)

$(BUILD)/unit-pe/testlist.c: $(wildcard tests/unit/test_*.c) tests/lib/make-testlist.sh
	@mkdir -p $(@D)
	tests/lib/make-testlist.sh --mains $(addprefix tests/unit/,$(addsuffix .c,$(UNIT_NAMES))) > $@

# What of common/ needs Windows, and so is tested in these builds only: the rule
# for a configured value as the registry holds it (test_config_path).
PE_UNIT_WIN_SRCS := common/config_path_value.c

define PE_UNIT_RULES
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

$(BUILD)/$(1)/unit/unit.exe: $$(PE_UNIT_$(1)_TESTS) $(BUILD)/unit-pe/testlist.c $$(PE_UNIT_$(1)_CORE) tests/lib/wine/test.h
	$(1)-w64-mingw32-gcc $(PE_UNIT_CFLAGS) -o $$@ $$(PE_UNIT_$(1)_TESTS) $(BUILD)/unit-pe/testlist.c \
	    $$(PE_UNIT_$(1)_CORE) -static -lpthread -lbcrypt

# test_sha256 checks against Windows' own SHA-256 (BCrypt) too; test_sha256_model
# builds sha256_x86.c itself.
$(BUILD)/$(1)/unit/test_sha256.o $(BUILD)/$(1)/unit/test_sha256_model.o: $(SHA256_VECTORS_H) tools/dsbackup/sha256_x86.c

unit-pe-build-$(1): $(BUILD)/$(1)/unit/unit.exe
endef
$(foreach a,$(ARCHES),$(eval $(call PE_UNIT_RULES,$(a))))
vpath %.c tools/dsbackup

.PHONY: unit-pe-suites $(foreach a,$(ARCHES),unit-pe-build-$(a))
unit-pe-suites: $(WINE32_READY)
	@for a in $(ARCHES); do \
	    $(MAKE) --no-print-directory -k unit-pe-build-$$a || true; \
	    tests/run-suite.sh unit-pe-$$a tests/unit/run-pe.sh $$a $(UNIT_NAMES); \
	done
