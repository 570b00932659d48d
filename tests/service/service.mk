# The directory-service stand-in (tools/ntdssvc.c), a Windows service named NTDS,
# installed, started, stopped and refused under Wine (tests/service/run.sh).
# x86_64 only: this machine's Wine runs 64-bit programs only; the i686 build of the
# service is compiled (warnings are errors) so that it keeps building.

SERVICE_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -Isrc

$(BUILD)/x86_64/svcprobe.exe: tests/service/probe.c
	@mkdir -p $(@D)
	x86_64-w64-mingw32-gcc $(SERVICE_CFLAGS) -o $@ $< -static

# The service on its own, as its header comment documents (no DLL, no errors.c).
$(BUILD)/service/x86_64/ntdssvc.exe $(BUILD)/service/i686/ntdssvc.exe: \
        $(BUILD)/service/%/ntdssvc.exe: tools/ntdssvc.c include/ntdsbmsg.h
	@mkdir -p $(@D)
	$*-w64-mingw32-gcc $(SERVICE_CFLAGS) -o $@ $< -static -ladvapi32

.PHONY: check-service
check-service: $(BUILD)/x86_64/ntdssvc.exe $(BUILD)/x86_64/svcprobe.exe \
        $(BUILD)/service/x86_64/ntdssvc.exe $(BUILD)/service/i686/ntdssvc.exe
	@BUILD=$(BUILD) tests/run-suite.sh service bash tests/service/run.sh
