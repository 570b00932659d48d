# The directory-service stand-in (tools/ntdssvc/), a Windows service named NTDS,
# installed, started, stopped and refused under Wine (tests/service/run.sh), and
# online or offline as it was left across Wine sessions (tests/service/sessions.sh), and
# in agreement with the DLL and dsbackup status on whether the database is configured
# (tests/service/configured.sh), for every architecture: the i686 service runs through
# the emulated 32-bit Wine, started by the prefix's 64-bit services.exe as on Windows.

SERVICE_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -Icommon

$(BUILD)/%/svcprobe.exe: tests/service/probe.c
	@mkdir -p $(@D)
	$*-w64-mingw32-gcc $(SERVICE_CFLAGS) -o $@ $< -static

.PHONY: check-service
check-service: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdssvc.exe $(BUILD)/$(a)/svcprobe.exe \
        $(BUILD)/$(a)/dsbackup.exe $(BUILD)/$(a)/conformance.exe) $(WINE32_READY)
	@for a in $(ARCHES); do BUILD=$(BUILD) tests/run-suite.sh service-$$a bash tests/service/run.sh $$a; done
	@for a in $(ARCHES); do BUILD=$(BUILD) tests/run-suite.sh service-sessions-$$a bash tests/service/sessions.sh $$a; done
	@for a in $(ARCHES); do BUILD=$(BUILD) tests/run-suite.sh service-configured-$$a bash tests/service/configured.sh $$a; done
