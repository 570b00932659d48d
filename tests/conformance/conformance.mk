# Conformance tests: test units in Wine's dialect (wine/test.h), one per file,
# built into one PE program, conformance.exe, that runs the unit named on its
# command line as Wine's test programs do (tests/conformance/run.sh runs each
# under Wine in a prefix prepared for it).  The files other than standalone_*.c,
# and the headers, are what Wine's tree gets as dlls/ntdsbcli/tests/
# (tools/wine-tree); standalone_*.c hold what only this project's setup can
# check.  tests/lib/wine/test.h is our small wine/test.h.

CONFORMANCE_UNITS      := $(sort $(wildcard tests/conformance/*.c))
CONFORMANCE_WINE_UNITS := $(filter-out tests/conformance/standalone_%.c,$(CONFORMANCE_UNITS))
CONFORMANCE_HDRS       := $(wildcard tests/conformance/*.h) tests/lib/wine/test.h tests/lib/ntds_test_support.h \
                          common/ntds_layout.h
CONFORMANCE_LIBS       := -static -ladvapi32 -lversion
WINE_TREE_TESTS        := $(BUILD)/conformance/wine-tree

$(BUILD)/conformance/testlist.c: $(CONFORMANCE_UNITS) tests/lib/make-testlist.sh
	@mkdir -p $(@D)
	tests/lib/make-testlist.sh $(CONFORMANCE_UNITS) > $@

# The units of Wine's tree alone, with only what they would find there besides
# Windows' headers: a wine/test.h (ours stands in for Wine's) and the DLL's
# ntds_layout.h.
$(WINE_TREE_TESTS)/testlist.c: $(CONFORMANCE_WINE_UNITS) tests/lib/make-testlist.sh
	@mkdir -p $(@D)
	tests/lib/make-testlist.sh $(CONFORMANCE_WINE_UNITS) > $@
$(WINE_TREE_TESTS)/include/wine/test.h: tests/lib/wine/test.h
	@mkdir -p $(@D) && cp $< $@
$(WINE_TREE_TESTS)/include/ntds_layout.h: common/ntds_layout.h
	@mkdir -p $(@D) && cp $< $@

define CONFORMANCE_RULES
$(BUILD)/$(1)/conformance.exe: $(CONFORMANCE_UNITS) $(BUILD)/conformance/testlist.c tests/lib/ntds_test_support.c \
        $(CONFORMANCE_HDRS) $(BUILD)/$(1)/libntdsbcli.a include/ntdsbcli.h include/ntdsbmsg.h
	$(1)-w64-mingw32-gcc $(CFLAGS_COMMON) -Iinclude -Itests/lib -Icommon -o $$@ $(CONFORMANCE_UNITS) \
	    $(BUILD)/conformance/testlist.c tests/lib/ntds_test_support.c -L$(BUILD)/$(1) -lntdsbcli $(CONFORMANCE_LIBS)
endef
$(foreach a,$(ARCHES),$(eval $(call CONFORMANCE_RULES,$(a))))

check-wine: $(foreach a,$(ARCHES),$(BUILD)/$(a)/conformance.exe $(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a) \
        $(WINE_TREE_TESTS)/testlist.c $(WINE_TREE_TESTS)/include/wine/test.h $(WINE_TREE_TESTS)/include/ntds_layout.h \
        $(WINE32_READY)
	@# The same tests must build against the SDK's header, as they would on
	@# Windows, and the units of Wine's tree link on their own: the DLL and
	@# Windows are all they call.
	@mkdir -p $(BUILD)/results; for a in $(ARCHES); do \
	    if $$a-w64-mingw32-gcc $(CFLAGS_COMMON) -Werror -fsyntax-only -Itests/lib -Icommon $(CONFORMANCE_UNITS) 2>&1; \
	    then echo "ok - conformance tests build against the SDK header ($$a)"; \
	    else echo "not ok - conformance tests do not build against the SDK header ($$a)"; fi; \
	    if $$a-w64-mingw32-gcc $(CFLAGS_COMMON) -Werror -I$(WINE_TREE_TESTS)/include -o $(BUILD)/$$a/conformance-wine-tree.exe \
	        $(CONFORMANCE_WINE_UNITS) $(WINE_TREE_TESTS)/testlist.c -L$(BUILD)/$$a -lntdsbcli $(CONFORMANCE_LIBS) 2>&1; \
	    then echo "ok - the units Wine's tree gets build and link without the standalone ones ($$a)"; \
	    else echo "not ok - the units Wine's tree gets do not build or link on their own ($$a)"; fi; \
	done | tee $(BUILD)/results/conformance-sdk.out
	@for a in $(ARCHES); do tests/run-suite.sh wine-$$a tests/conformance/run.sh $$a; done
