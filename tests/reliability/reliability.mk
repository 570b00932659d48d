# Reliability tests of the DLL under Wine (tests/reliability/): fault injection
# along whole sequences, files changing underneath a backup, handle torture, and
# the durability of a restore registration.  docs/reliability.md is written from
# their figures.
#
#   make check-reliability   the suites reliability-faults, -changes, -handles and
#                            -durability, each for x86-64 and i686 (the latter
#                            through the emulated 32-bit Wine), then a verdict
#                            on them alone
#   make reliability-report  the same, then regenerates docs/reliability.md from
#                            build/results (with the fuzz-* and unit-* results
#                            found there, if any)
#
# Included from tests/tests.mk; BUILD, ARCHES and CFLAGS_COMMON come from the Makefile.
# Builds happen inside the recipe, as in tests/unit/unit.mk, so that a program that
# fails to build still shows up as a FAIL in the summary.

RELIABILITY_PARTS  := faults changes handles durability
# One test unit per part (wine/test.h), and what they share.
RELIABILITY_UNITS  := $(addprefix tests/reliability/,$(addsuffix .c,$(RELIABILITY_PARTS)))
RELIABILITY_SRCS   := $(RELIABILITY_UNITS) tests/reliability/common.c tests/lib/ntds_test_support.c \
                      $(BUILD)/reliability/testlist.c
RELIABILITY_HDRS   := tests/reliability/reliability.h tests/lib/wine/test.h tests/conformance/dsa_paths.h
RELIABILITY_SUITES := $(foreach a,$(ARCHES),$(addsuffix -$(a),$(addprefix reliability-,$(RELIABILITY_PARTS))))

$(BUILD)/reliability/testlist.c: $(RELIABILITY_UNITS) tests/lib/make-testlist.sh
	@mkdir -p $(@D)
	tests/lib/make-testlist.sh $(RELIABILITY_UNITS) > $@

define RELIABILITY_RULES
$(BUILD)/$(1)/reliability.exe: $(RELIABILITY_SRCS) $(RELIABILITY_HDRS) tests/lib/ntds_test_support.h $(BUILD)/$(1)/libntdsbcli.a \
        include/ntdsbcli.h include/ntdsbmsg.h
	@mkdir -p $$(@D)
	$(1)-w64-mingw32-gcc $(CFLAGS_COMMON) -Werror -Iinclude -Itests/lib -Icommon -o $$@ $(RELIABILITY_SRCS) -L$(BUILD)/$(1) -lntdsbcli \
	    -static -ladvapi32
endef
$(foreach a,$(ARCHES),$(eval $(call RELIABILITY_RULES,$(a))))

.PHONY: check-reliability reliability-report reliability-build reliability-suites
reliability-build: $(foreach a,$(ARCHES),$(BUILD)/$(a)/reliability.exe $(BUILD)/$(a)/ntdsbcli.dll \
        $(BUILD)/$(a)/test/ntdsbcli.dll $(BUILD)/$(a)/ntdssvc.exe)

# Before tests/tests.mk includes this file, run it as
#   make -f Makefile -f tests/reliability/reliability.mk RELIABILITY_MAKE_FILES='-f Makefile -f tests/reliability/reliability.mk' check-reliability
RELIABILITY_MAKE_FILES ?=

reliability-suites: $(WINE32_READY)
	@$(MAKE) $(RELIABILITY_MAKE_FILES) --no-print-directory -k reliability-build || true
	@for a in $(ARCHES); do for p in $(RELIABILITY_PARTS); do \
	    tests/run-suite.sh reliability-$$p-$$a tests/reliability/run.sh $$p $$a; done; done

check-reliability: reliability-suites
	@tests/unit/verdict.sh check-reliability $(RELIABILITY_SUITES)

reliability-report: reliability-suites
	@python3 tests/reliability/report.py $(BUILD)/results > docs/reliability.md.tmp && mv docs/reliability.md.tmp docs/reliability.md
	@echo "docs/reliability.md regenerated"
	@tests/unit/verdict.sh reliability-report $(RELIABILITY_SUITES)
