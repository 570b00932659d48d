# Conformance tests: PE programs run under Wine against the DLL, in a throwaway
# prefix with a generated directory database (tests/conformance/run.sh).

CONFORMANCE_SRCS := $(wildcard tests/conformance/*.c) tests/lib/ntds_test_support.c
CONFORMANCE_HDRS := $(wildcard tests/conformance/*.h) tests/lib/ntds_test_support.h common/ntds_layout.h

$(BUILD)/cmocka/%/lib/libcmocka-static.a:
	tests/build-cmocka-mingw.sh $* $(BUILD)/cmocka/$*

define CONFORMANCE_RULES
$(BUILD)/$(1)/conformance.exe: $(CONFORMANCE_SRCS) $(CONFORMANCE_HDRS) $(BUILD)/$(1)/libntdsbcli.a \
        $(BUILD)/cmocka/$(1)/lib/libcmocka-static.a include/ntdsbcli.h include/ntdsbmsg.h
	$(1)-w64-mingw32-gcc $(CFLAGS_COMMON) -Iinclude -Itests/lib -Icommon -I$(BUILD)/cmocka/$(1)/include -DCMOCKA_STATIC \
	    -o $$@ $(CONFORMANCE_SRCS) -L$(BUILD)/$(1) -lntdsbcli -L$(BUILD)/cmocka/$(1)/lib -lcmocka-static \
	    -static -ladvapi32 -lversion
endef
$(foreach a,$(ARCHES),$(eval $(call CONFORMANCE_RULES,$(a))))

check-wine: $(foreach a,$(ARCHES),$(BUILD)/$(a)/conformance.exe $(BUILD)/$(a)/ntdsbcli.dll) $(WINE32_READY)
	@# The same tests must build against the SDK's header, as they would on Windows.
	@mkdir -p $(BUILD)/results; for a in $(ARCHES); do \
	    if $$a-w64-mingw32-gcc $(CFLAGS_COMMON) -fsyntax-only -Itests/lib -Icommon -I$(BUILD)/cmocka/$$a/include -DCMOCKA_STATIC \
	        $(CONFORMANCE_SRCS) 2>&1; then echo "ok - conformance tests build against the SDK header ($$a)"; \
	    else echo "not ok - conformance tests do not build against the SDK header ($$a)"; fi; \
	done | tee $(BUILD)/results/conformance-sdk.out
	@for a in $(ARCHES); do tests/run-suite.sh wine-$$a tests/conformance/run.sh $$a; done
