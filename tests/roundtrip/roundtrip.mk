# Backup and restore round trips with dsbackup.exe and the NTDS service stand-in
# (tools/ntdssvc.c), under Wine in a throwaway prefix (tests/roundtrip/run.sh).
# x86_64 only: this machine's Wine runs 64-bit programs only.  About 20 s.

.PHONY: check-roundtrip

check-roundtrip: all
	@BUILD=$(BUILD) tests/run-suite.sh roundtrip bash tests/roundtrip/run.sh
