# make check: every suite runs, even after one fails; the summary decides.
# Each suite is run through tests/run-suite.sh, which keeps its output in
# build/results/<suite>.out; tests/summarize.sh adds them up.

include tests/abi/abi.mk
include tests/msvc/msvc.mk
include tests/unit/unit.mk
include tests/conformance/conformance.mk
include tests/service/service.mk
-include tests/bench/bench.mk
include tests/install/install-tests.mk
include tests/deb/deb.mk
include tests/roundtrip/roundtrip.mk
include tests/reliability/reliability.mk
include tests/wine-form/wine-form.mk
include tools/tools.mk

check: deps
	@$(MAKE) --no-print-directory all $(WINE32_READY)
	@rm -rf $(BUILD)/results
	@$(MAKE) --no-print-directory -k check-abi check-msvc check-unit check-wine check-wine-form check-service check-tools check-roundtrip check-install check-deb check-reliability || true
	@tests/summarize.sh
