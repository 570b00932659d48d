# ntdsbcli: a Wine-style reimplementation of Microsoft's ntdsbcli.dll.
#
#   make            the DLLs and import libraries for x86-64 and i686, and the tools
#   make check      every test: ABI, native unit tests (plain, sanitizers, valgrind),
#                   conformance tests of the DLL under Wine
#   make demo       a backup of a generated sample database under a throwaway Wine prefix
#   make deps       installs what a fresh Debian 12 machine lacks (.ci/install-deps)
#   make install    headers, import libraries, DLLs and pkg-config files for both
#                   mingw-w64 triplets (PREFIX, DESTDIR); make uninstall undoes it
#   make install-wine WINEPREFIX=...   the DLLs, dsbackup and the NTDS stand-in
#                   into a Wine prefix; make uninstall-wine undoes it
#   make bench      performance figures against a plain ReadFile baseline
#   make wine32     an emulated 32-bit Wine for the i686 programs, outside the
#                   repository (tools/wine32, docs/wine32.md)

VERSION := 0.3.0
comma   := ,
VERSION_COMMA := $(subst .,$(comma),$(VERSION))$(comma)0
BUILD   := build
ARCHES  := x86_64 i686

CFLAGS_COMMON := -std=gnu11 -O2 -g -Wall -Wextra -Werror=implicit-function-declaration
WIN_CFLAGS    := $(CFLAGS_COMMON) -Iinclude -Isrc -D_WIN32_WINNT=0x0601 -D__USE_MINGW_ANSI_STDIO=1
WIN_LDFLAGS   := -static -static-libgcc

# The platform-neutral core: builds natively too (unit tests, sanitizers, fuzzers).
CORE_SRCS := src/handle_table.c src/name_list.c src/names.c src/expiry_token.c \
             src/restore_map.c src/memory.c src/fault.c src/wstr.c src/errors.c \
             src/read_ahead_policy.c
# The Windows side of the DLL.
WIN_SRCS  := src/main.c src/trace.c src/platform.c src/dsa_config.c src/online.c \
             src/backup.c src/restore.c src/restore_state.c src/auth_identity.c src/unc_share.c \
             src/read_ahead.c
DLL_SRCS  := $(CORE_SRCS) $(WIN_SRCS)
HEADERS   := $(wildcard include/*.h src/*.h)

DESCRIPTION_ntdsbcli := Directory Backup Functions (ntdsbcli.dll for Wine)
DESCRIPTION_dsbackup := Back up and restore the directory database through ntdsbcli.dll
DESCRIPTION_ntdssvc  := NTDS directory service stand-in for Wine

.PHONY: all check demo deps clean bench check-abi check-unit check-wine wine32
.DELETE_ON_ERROR:

all: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a) \
     $(foreach a,$(ARCHES),$(BUILD)/$(a)/dsbackup.exe $(BUILD)/$(a)/ntdssvc.exe)

# What a fresh Debian 12 machine lacks is installed once (quick when present).
deps: $(BUILD)/.deps-installed
$(BUILD)/.deps-installed: .ci/install-deps
	sh .ci/install-deps
	@mkdir -p $(@D) && touch $@

# This machine cannot execute 32-bit x86 code: i686 programs run through Debian's
# 32-bit Wine under qemu-i386, kept in a cache keyed by the Wine version (quick when
# it is there).  tools/wine32 runs a program with it; docs/wine32.md.
wine32:
	tools/wine32 --build

# --- the DLL, per architecture ------------------------------------------------
define ARCH_RULES
$(1)_CC      := $(1)-w64-mingw32-gcc
$(1)_DLLTOOL := $(1)-w64-mingw32-dlltool
$(1)_OBJS    := $$(patsubst src/%.c,$(BUILD)/$(1)/obj/%.o,$(DLL_SRCS))

$(BUILD)/$(1)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$$($(1)_CC) $(WIN_CFLAGS) -c $$< -o $$@

# i686 keeps the @N of the stdcall names for dlltool -k; x86-64 has none.
$(BUILD)/$(1)/ntdsbcli.def: ntdsbcli.def
	@mkdir -p $$(@D)
	$(if $(filter i686,$(1)),cp $$< $$@,sed 's/@[0-9]*$$$$//' $$< > $$@)

# Version information: one resource script, stamped per file.
$(BUILD)/$(1)/obj/%.res.o: src/version.rc Makefile
	@mkdir -p $$(@D)
	@echo "  RC      $$@"
	@$(1)-w64-mingw32-windres -DVERSION_STRING='\"$(VERSION)\"' -DVERSION_COMMA=$(VERSION_COMMA) \
	    -DFILE_NAME='\"$$*.$$(if $$(filter ntdsbcli,$$*),dll,exe)\"' \
	    -DFILE_TYPE=$$(if $$(filter ntdsbcli,$$*),VFT_DLL,VFT_APP) \
	    -DFILE_DESCRIPTION='\"$$(or $$(DESCRIPTION_$$*),$$*)\"' $$< -o $$@

$(BUILD)/$(1)/ntdsbcli.dll: $$($(1)_OBJS) $(BUILD)/$(1)/obj/ntdsbcli.res.o $(BUILD)/$(1)/ntdsbcli.def
	@echo "  LINK    $$@"
	@$$($(1)_CC) -shared -o $$@ $$($(1)_OBJS) $(BUILD)/$(1)/obj/ntdsbcli.res.o $(BUILD)/$(1)/ntdsbcli.def -Wl,--kill-at \
	    $(WIN_LDFLAGS) -ladvapi32 -lntdll

$(BUILD)/$(1)/libntdsbcli.a: $(BUILD)/$(1)/ntdsbcli.def
	$$($(1)_DLLTOOL) -d $$< -D ntdsbcli.dll -k -l $$@

$(BUILD)/$(1)/%.exe: tools/%.c $(BUILD)/$(1)/obj/%.res.o $(BUILD)/$(1)/libntdsbcli.a $(HEADERS) src/errors.c
	@echo "  CCLD    $$@"
	@$$($(1)_CC) $(WIN_CFLAGS) -o $$@ $$< $(BUILD)/$(1)/obj/$$*.res.o src/errors.c -L$(BUILD)/$(1) -lntdsbcli \
	    $(WIN_LDFLAGS) -ladvapi32 -lbcrypt
endef
$(foreach a,$(ARCHES),$(eval $(call ARCH_RULES,$(a))))

# --- tests ----------------------------------------------------------------------
include tests/tests.mk
include install.mk

clean:
	rm -rf $(BUILD)
