# Backup and restore round trips with dsbackup.exe and the NTDS service stand-in
# (tools/ntdssvc/), under Wine in a throwaway prefix (tests/roundtrip/run.sh), for
# every architecture (i686 through the emulated 32-bit Wine).  About 30 s for x86-64.

# dsbackup built to end its process right after DsRestoreRegisterW, as a crash
# would: only this test build has that switch (tools/dsbackup/restore.c).
define ROUNDTRIP_RULES
$(BUILD)/$(1)/test/dsbackup-crash.exe: $(DSBACKUP_SRCS) $(DSBACKUP_HEADERS) $(TOOL_COMMON_SRCS) $(TOOL_HEADERS) \
        $(BUILD)/$(1)/libntdsbcli.a
	@mkdir -p $$(@D)
	$(1)-w64-mingw32-gcc $(TOOL_CFLAGS) -Itools/dsbackup -DDSBACKUP_TEST_CRASH_AFTER_REGISTER -o $$@ \
	    $(DSBACKUP_SRCS) $(TOOL_COMMON_SRCS) -L$(BUILD)/$(1) -lntdsbcli $(WIN_LDFLAGS) -ladvapi32 -lbcrypt
endef
$(foreach a,$(ARCHES),$(eval $(call ROUNDTRIP_RULES,$(a))))

.PHONY: check-roundtrip

check-roundtrip: all $(foreach a,$(ARCHES),$(BUILD)/$(a)/test/dsbackup-crash.exe) $(WINE32_READY)
	@for a in $(ARCHES); do BUILD=$(BUILD) tests/run-suite.sh roundtrip-$$a bash tests/roundtrip/run.sh $$a; done
