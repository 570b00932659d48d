# tools/: programs built on the DLL.  They are built, for every architecture, by
# rules of the Makefile, with the public headers (include/) and common/ only:
# dsbackup.exe from the files of tools/dsbackup/ (one per subcommand), ntdssvc.exe
# and any other single-file tool by the $(BUILD)/<arch>/%.exe rule.
#
#   make demo         a backup of a generated sample database with dsbackup.exe,
#                     under a throwaway Wine prefix, checked on the Unix side
#   make check-tools  the same as a suite counted by tests/summarize.sh, for
#                     x86-64 and, when 32-bit Wine is installed, i686

.PHONY: demo check-tools

demo: deps
	@$(MAKE) --no-print-directory all
	BUILD=$(BUILD) bash tools/demo.sh x86_64

check-tools: all
	@BUILD=$(BUILD) tests/run-suite.sh tools-x86_64 bash tools/demo.sh x86_64
	@if tests/conformance/can-run-wine32.sh; then \
	    BUILD=$(BUILD) tests/run-suite.sh tools-i686 bash tools/demo.sh i686; \
	else \
	    mkdir -p $(BUILD)/results; \
	    echo "ok - i686 dsbackup demo under 32-bit Wine # SKIP wine32:i386 is not installed; dsbackup.exe for i686 was still built" | tee $(BUILD)/results/tools-i686.out; \
	fi
