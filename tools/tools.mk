# tools/: programs built on the DLL.  They are built, for every architecture, by
# rules of the Makefile, with the public headers (include/) and common/ only:
# dsbackup.exe from the files of tools/dsbackup/ (one per subcommand), ntdssvc.exe,
# the NTDS stand-in, from those of tools/ntdssvc/ (the service, its install).
#
#   make demo         a backup of a generated sample database with dsbackup.exe,
#                     under a throwaway Wine prefix, checked on the Unix side
#   make check-tools  the same as a suite counted by tests/summarize.sh, for
#                     x86-64 and i686 (through the emulated 32-bit Wine), and
#                     tests/compat/run.sh: backups of dsbackup 0.4.0 and today's
#                     are interchangeable

.PHONY: demo check-tools

demo: deps
	@$(MAKE) --no-print-directory all
	BUILD=$(BUILD) bash tools/demo.sh x86_64

check-tools: all $(WINE32_READY)
	@for a in $(ARCHES); do BUILD=$(BUILD) tests/run-suite.sh tools-$$a bash tools/demo.sh $$a; done
	@for a in $(ARCHES); do BUILD=$(BUILD) tests/run-suite.sh compat-$$a bash tests/compat/run.sh $$a; done
