# The DLL in Wine's own form (tools/wine-tree, docs/wine-upstream.md).
#
#   make check-wine-form   (part of make check) the DLL's sources as Wine's tree
#                          takes them, built by Wine's toolchain from Debian's
#                          packages (winegcc and winebuild of wine64-tools, Wine's
#                          headers and import libraries of libwine-dev, for i686
#                          Debian's libwine-dev:i386 fetched into a cache), with
#                          -D__WINESRC__ and Wine's warnings as errors, from the
#                          .spec; then checked (builtin marker, exports, i686 stack
#                          sizes) and run through the conformance suite: the suites
#                          wine-form-x86_64 and wine-form-i686 (build/wine-form/)
#   make check-wine-tree   (opt-in, not in make check) Debian's Wine source,
#                          prepared once and cached (~/.cache/ntdsbcli), with the DLL
#                          and its tests exported into it by tools/wine-tree, built
#                          by Wine's own makefiles, and make dlls/ntdsbcli/tests/check
#                          run there (tests/wine-form/wine-tree.sh; README)
#
# Included from tests/tests.mk; BUILD and ARCHES come from the Makefile.  The
# builds happen inside the recipes, so that a failure shows up in the summary.

WINE_FORM_SUITES := $(addprefix wine-form-,$(ARCHES))

.PHONY: check-wine-form check-wine-tree
check-wine-form: $(foreach a,$(ARCHES),$(BUILD)/$(a)/conformance.exe $(BUILD)/$(a)/ntdssvc.exe) $(WINE32_READY)
	@for a in $(ARCHES); do tests/run-suite.sh wine-form-$$a tests/wine-form/run.sh $$a; done
	@tests/unit/verdict.sh check-wine-form $(WINE_FORM_SUITES)

check-wine-tree:
	@tests/run-suite.sh wine-tree tests/wine-form/wine-tree.sh
	@tests/unit/verdict.sh check-wine-tree wine-tree
