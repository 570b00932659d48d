# The unit tests of the platform-neutral core built as PE programs, for x86-64 and
# i686, and run under Wine: the same code as the DLL's, compiled by mingw-w64 for
# the Windows ABI (32-bit handles and pointers on i686, a 16-bit wchar_t), with the
# mingw build of cmocka (tests/build-cmocka-mingw.sh).
#
#   unit-pe-x86_64, unit-pe-i686   the suites (tests/unit/run-pe.sh)
#
# Included from tests/unit/unit.mk.

PE_UNIT_CFLAGS := $(CFLAGS_COMMON) -D_WIN32_WINNT=0x0601 -Isrc -Isrc/standalone -Iinclude -Icommon -Itests/lib -Itools/dsbackup \
                  -I$(BUILD)/generated $(TEST_BUILD_FLAGS) -DCMOCKA_STATIC

define PE_UNIT_RULES
PE_UNIT_$(1)_CORE := $$(patsubst %.c,$(BUILD)/$(1)/unit/core/%.o,$(notdir $(CORE_SRCS) $(FAULT_SRCS) $(TOOL_CORE_SRCS)))
PE_UNIT_$(1)_BINS := $$(patsubst %,$(BUILD)/$(1)/unit/%.exe,$(UNIT_NAMES))
.SECONDARY: $$(PE_UNIT_$(1)_CORE)

$(BUILD)/$(1)/unit/core/%.o: %.c $(HEADERS) $(TOOL_CORE_HEADERS)
	@mkdir -p $$(@D)
	$(1)-w64-mingw32-gcc $(PE_UNIT_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/unit/%.exe: tests/unit/%.c tests/unit/unit.h $$(PE_UNIT_$(1)_CORE) $(BUILD)/cmocka/$(1)/lib/libcmocka-static.a
	$(1)-w64-mingw32-gcc $(PE_UNIT_CFLAGS) -I$(BUILD)/cmocka/$(1)/include -o $$@ $$< $$(PE_UNIT_$(1)_CORE) \
	    -L$(BUILD)/cmocka/$(1)/lib -lcmocka-static -static -lpthread -lbcrypt

# test_sha256 checks against Windows' own SHA-256 (BCrypt) too; test_sha256_model
# builds sha256_x86.c itself.
$(BUILD)/$(1)/unit/test_sha256.exe $(BUILD)/$(1)/unit/test_sha256_model.exe: $(SHA256_VECTORS_H) tools/dsbackup/sha256_x86.c

unit-pe-build-$(1): $$(PE_UNIT_$(1)_BINS)
endef
$(foreach a,$(ARCHES),$(eval $(call PE_UNIT_RULES,$(a))))
vpath %.c tools/dsbackup

.PHONY: unit-pe-suites $(foreach a,$(ARCHES),unit-pe-build-$(a))
unit-pe-suites: $(WINE32_READY)
	@for a in $(ARCHES); do \
	    $(MAKE) --no-print-directory -k unit-pe-build-$$a || true; \
	    tests/run-suite.sh unit-pe-$$a tests/unit/run-pe.sh $$a $(addsuffix .exe,$(UNIT_NAMES)); \
	done
