# Backup and restore round trips with dsbackup.exe and the NTDS service stand-in
# (tools/ntdssvc/), under Wine in a throwaway prefix (tests/roundtrip/run.sh), for
# every architecture (i686 through the emulated 32-bit Wine).  About 30 s for x86-64.

.PHONY: check-roundtrip

check-roundtrip: all $(WINE32_READY)
	@for a in $(ARCHES); do BUILD=$(BUILD) tests/run-suite.sh roundtrip-$$a bash tests/roundtrip/run.sh $$a; done
