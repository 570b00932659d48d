# ntdsbcli: a Wine-style reimplementation of Microsoft's ntdsbcli.dll.
#
#   make            the DLLs and import libraries for x86-64 and i686 (GNU-style
#                   libntdsbcli.a and MSVC-style ntdsbcli.lib), and the tools
#   make check      every test suite, x86-64 and i686; make check-GROUP one group of
#                   them (the one list of suites: tests/tests.mk)
#   make demo       a backup of a generated sample database under a throwaway Wine prefix
#   make deps       installs what a fresh Debian 12 machine lacks (.ci/install-deps)
#   make install    headers, import libraries, DLLs and pkg-config files for both
#                   mingw-w64 triplets (PREFIX, DESTDIR); make uninstall undoes it
#   make deb        Debian packages of the DLLs (Wine builtins), the tools and the
#                   headers and import libraries, into build/deb/ (deb.mk, debian/)
#   make install-wine WINEPREFIX=...   the DLLs, dsbackup and the NTDS stand-in
#                   into a Wine prefix; make uninstall-wine undoes it
#   make bench      performance figures against a plain ReadFile baseline
#   make wine32     the emulated 32-bit Wine the i686 suites run on, outside the
#                   repository (tests/wine32/, docs/wine32.md)

VERSION := 0.4.0
comma   := ,
VERSION_COMMA := $(subst .,$(comma),$(VERSION))$(comma)0
BUILD   := build
ARCHES  := x86_64 i686

LLVM_DLLTOOL  ?= llvm-dlltool
LLVM_MACHINE_x86_64 := i386:x86-64
LLVM_MACHINE_i686   := i386

# The DLL, the tools and the tests all build with warnings as errors.
CFLAGS_COMMON := -std=gnu11 -O2 -g -Wall -Wextra -Werror
# src/standalone: what the standalone build has and Wine's tree does not, among it
# the stand-ins for Wine's headers (wine/debug.h, winternl.h), found through -I.
WIN_CFLAGS    := $(CFLAGS_COMMON) -Iinclude -Icommon -Isrc -Isrc/standalone -D_WIN32_WINNT=0x0601 \
                 -D__USE_MINGW_ANSI_STDIO=1
WIN_LDFLAGS   := -static -static-libgcc

# The DLL's sources.  Those outside src/standalone are what Wine's tree takes
# (tools/wine-tree, make check-wine-form); docs/wine-upstream.md says why each file
# of src/standalone is left out.
# The platform-neutral core: builds natively too (unit tests, sanitizers, fuzzers).
# The restore journal's format is part of it, though only the standalone build
# keeps a journal.
CORE_SRCS := src/handle_table.c src/name_list.c src/names.c src/expiry_token.c \
             src/restore_map.c src/memory.c src/wstr.c src/name_index.c common/errors.c \
             common/config_path.c common/path_join.c src/standalone/restore_journal.c
# The Windows side of the DLL, with the part of common/ that needs Windows.
WIN_SRCS  := src/main.c src/platform.c src/dsa_config.c src/online.c src/backup_slot.c \
             src/backup.c src/restore.c src/restore_state.c src/auth_identity.c common/config_path_value.c \
             src/standalone/debug.c src/standalone/unc_share.c src/standalone/durable_file.c \
             src/standalone/restore_journal_file.c
DLL_SRCS  := $(CORE_SRCS) $(WIN_SRCS)
WINE_FORM_SRCS := $(filter-out src/standalone/%,$(DLL_SRCS))
# Fault injection (src/standalone/fault.h) exists only in test builds: the native
# core's and build/<arch>/test/ntdsbcli.dll, which the reliability tests drive
# through the exports of test_hooks.c.  The DLL that ships has none of it.
FAULT_SRCS       := src/standalone/fault.c
TEST_DLL_SRCS    := $(DLL_SRCS) $(FAULT_SRCS) src/standalone/test_hooks.c
TEST_BUILD_FLAGS := -DNTDSBCLI_FAULT_INJECTION
HEADERS   := $(wildcard include/*.h common/*.h src/*.h src/standalone/*.h src/standalone/*/*.h)
# The DLL's sources are in src/; what it shares with the tools is in common/.
vpath %.c src src/standalone common

# The tools (tools/) see the public headers and common/ only.  dsbackup is one
# file per subcommand in tools/dsbackup/; its manifest parser is pure C and also
# builds natively (tests/unit, tests/fuzz).
TOOL_DEFINES     := -D_WIN32_WINNT=0x0601 -D__USE_MINGW_ANSI_STDIO=1
TOOL_CFLAGS      := $(CFLAGS_COMMON) -Iinclude -Icommon $(TOOL_DEFINES)
TOOL_HEADERS     := $(wildcard include/*.h common/*.h)
DSBACKUP_SRCS    := $(sort $(wildcard tools/dsbackup/*.c))
DSBACKUP_HEADERS := $(wildcard tools/dsbackup/*.h)
# wmain, and advapi32 alone beside the DLL: every library linked in is loaded at
# each start, and under Wine shell32 and bcrypt made that start twice as long.
DSBACKUP_LIBS    := -municode -ladvapi32
# The NTDS stand-in: the service, its install and uninstall (tools/ntdssvc/).
NTDSSVC_SRCS     := $(sort $(wildcard tools/ntdssvc/*.c))
NTDSSVC_HEADERS  := $(wildcard tools/ntdssvc/*.h)
# What the tools share with the DLL from common/: return-code names, the rule for
# configured paths (and the tools' one reading of them, config_path_read.c), the
# naming of a file in a folder.
TOOL_COMMON_SRCS := common/errors.c common/config_path.c common/config_path_value.c common/config_path_read.c \
                    common/path_join.c

DESCRIPTION_ntdsbcli := Directory Backup Functions (ntdsbcli.dll for Wine)
DESCRIPTION_dsbackup := Back up and restore the directory database through ntdsbcli.dll
DESCRIPTION_ntdssvc  := NTDS directory service stand-in for Wine

.PHONY: all deps clean wine32 wine-form-sources
.DELETE_ON_ERROR:

all: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a $(BUILD)/$(a)/ntdsbcli.lib) \
     $(foreach a,$(ARCHES),$(BUILD)/$(a)/dsbackup.exe $(BUILD)/$(a)/ntdssvc.exe)

# What a fresh Debian 12 machine lacks is installed once (quick when present).
deps: $(BUILD)/.deps-installed
$(BUILD)/.deps-installed: .ci/install-deps
	sh .ci/install-deps
	@mkdir -p $(@D) && touch $@

# Some machines cannot execute 32-bit x86 code: the i686 suites run through
# Debian's 32-bit Wine under qemu-i386 on every machine, kept in a cache keyed by
# the Wine version (quick when it is there); docs/wine32.md.
wine32:
	tests/wine32/wine32 --build

# What tools/wine-tree takes from here: the DLL's sources in Wine's form, and the
# values of its version resource (src/version.rc), one "name=value" a line.
wine-form-sources:
	@printf 'source=%s\n' $(WINE_FORM_SRCS)
	@printf '%s\n' 'version=$(VERSION)' 'version_comma=$(VERSION_COMMA)' \
	    'description=$(DESCRIPTION_ntdsbcli)'

# --- the export list ------------------------------------------------------------
# ntdsbcli.spec, in Wine's format, is the one export list.  The .def that
# mingw-w64's tools take is made from it: an i686 stdcall name carries its
# argument bytes (@N), 4 for each ptr, long, str or wstr argument, 8 for int64 and
# double.  tests/abi checks both against winebuild's reading of the .spec.
ntdsbcli.def: ntdsbcli.spec
	@echo "  GEN     $@"
	@{ echo '; ntdsbcli.dll exports, made from ntdsbcli.spec by "make ntdsbcli.def": edit the .spec.'; \
	   echo '; The @N suffixes are the i686 stdcall argument sizes; the DLL is linked with'; \
	   echo '; --kill-at so every export name is undecorated, and the i686 import library is'; \
	   echo '; generated from this file with "dlltool -k", which keeps the decorated symbols'; \
	   echo '; (_DsBackupClose@4) bound to the undecorated exports.'; \
	   echo 'LIBRARY ntdsbcli.dll'; echo 'EXPORTS'; \
	   awk '$$1 == "@" && $$2 == "stdcall" { name = $$3; sub(/\(.*/, "", name); args = $$0; \
	        sub(/^[^(]*\(/, "", args); sub(/\).*/, "", args); bytes = 0; n = split(args, arg, " "); \
	        for (i = 1; i <= n; i++) bytes += (arg[i] == "int64" || arg[i] == "double") ? 8 : 4; \
	        print "    " name "@" bytes }' $<; } > $@

# --- the DLL, per architecture ------------------------------------------------
define ARCH_RULES
$(1)_CC      := $(1)-w64-mingw32-gcc
$(1)_DLLTOOL := $(1)-w64-mingw32-dlltool
$(1)_OBJS    := $$(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(notdir $(DLL_SRCS)))
$(1)_TEST_OBJS := $$(patsubst %.c,$(BUILD)/$(1)/test-obj/%.o,$(notdir $(TEST_DLL_SRCS)))

$(BUILD)/$(1)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$$($(1)_CC) $(WIN_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/test-obj/%.o: %.c $(HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$$($(1)_CC) $(WIN_CFLAGS) $(TEST_BUILD_FLAGS) -c $$< -o $$@

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
	@$$($(1)_CC) -shared -o $$@ $$^ -Wl,--kill-at $(WIN_LDFLAGS) -ladvapi32 -lntdll

# The test build: the same DLL with fault injection and its two extra exports
# (src/standalone/test_hooks.c).
$(BUILD)/$(1)/test/ntdsbcli.dll: $$($(1)_TEST_OBJS) $(BUILD)/$(1)/obj/ntdsbcli.res.o $(BUILD)/$(1)/ntdsbcli.def
	@mkdir -p $$(@D)
	@echo "  LINK    $$@"
	@$$($(1)_CC) -shared -o $$@ $$^ -Wl,--kill-at $(WIN_LDFLAGS) -ladvapi32 -lntdll

$(BUILD)/$(1)/libntdsbcli.a: $(BUILD)/$(1)/ntdsbcli.def
	$$($(1)_DLLTOOL) -d $$< -D ntdsbcli.dll -k -l $$@

# The import library of Microsoft-style linkers (link.exe, lld-link): short import
# objects.  On i686, -k makes each decorated symbol (__imp__DsBackupClose@4) import
# the undecorated export (import name type "undecorate"), and lld-link takes these
# under its default /safeseh, which it refuses GNU dlltool's objects under.
$(BUILD)/$(1)/ntdsbcli.lib: $(BUILD)/$(1)/ntdsbcli.def
	$(LLVM_DLLTOOL) -m $(LLVM_MACHINE_$(1)) -d $$< -D ntdsbcli.dll -k -l $$@

# Wine's builtin marker (winebuild --builtin, package wine64-tools rewrites 32
# bytes of the DOS stub): Wine loads a PE file from its own folder, and copies it
# into every prefix, only with it.  The packages and make install-wine ship these
# copies; the files of make all stay as a Windows program ships them.
$(BUILD)/$(1)/builtin/%: $(BUILD)/$(1)/%
	@mkdir -p $$(@D)
	@echo "  MARK    $$@"
	@cp $$< $$@.tmp && winebuild --builtin $$@.tmp && mv $$@.tmp $$@

# --- the tools: the public headers and common/ only, never the DLL's src/ ---------
$(1)_TOOL_COMMON_OBJS := $$(patsubst common/%.c,$(BUILD)/$(1)/obj/tools/%.o,$(TOOL_COMMON_SRCS))
$(1)_DSBACKUP_OBJS := $$(patsubst tools/dsbackup/%.c,$(BUILD)/$(1)/obj/dsbackup/%.o,$(DSBACKUP_SRCS)) \
                      $$($(1)_TOOL_COMMON_OBJS)
$(1)_NTDSSVC_OBJS  := $$(patsubst tools/ntdssvc/%.c,$(BUILD)/$(1)/obj/ntdssvc/%.o,$(NTDSSVC_SRCS)) \
                      $$($(1)_TOOL_COMMON_OBJS)

$(BUILD)/$(1)/obj/dsbackup/%.o: tools/dsbackup/%.c $(DSBACKUP_HEADERS) $(TOOL_HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$$($(1)_CC) $(TOOL_CFLAGS) -Itools/dsbackup -c $$< -o $$@

$(BUILD)/$(1)/obj/ntdssvc/%.o: tools/ntdssvc/%.c $(NTDSSVC_HEADERS) $(TOOL_HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$$($(1)_CC) $(TOOL_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/obj/tools/%.o: common/%.c $(TOOL_HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	@$$($(1)_CC) $(TOOL_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/dsbackup.exe: $$($(1)_DSBACKUP_OBJS) $(BUILD)/$(1)/obj/dsbackup.res.o $(BUILD)/$(1)/libntdsbcli.a
	@echo "  LINK    $$@"
	@$$($(1)_CC) -o $$@ $$($(1)_DSBACKUP_OBJS) $(BUILD)/$(1)/obj/dsbackup.res.o -L$(BUILD)/$(1) -lntdsbcli \
	    $(WIN_LDFLAGS) $(DSBACKUP_LIBS)

$(BUILD)/$(1)/ntdssvc.exe: $$($(1)_NTDSSVC_OBJS) $(BUILD)/$(1)/obj/ntdssvc.res.o
	@echo "  LINK    $$@"
	@$$($(1)_CC) -o $$@ $$^ $(WIN_LDFLAGS) -ladvapi32
endef
$(foreach a,$(ARCHES),$(eval $(call ARCH_RULES,$(a))))

# What goes into Wine's folders, marked as builtins (make deb, make install-wine).
WINE_FILES := ntdsbcli.dll dsbackup.exe ntdssvc.exe
.PHONY: builtin
builtin: $(foreach a,$(ARCHES),$(addprefix $(BUILD)/$(a)/builtin/,$(WINE_FILES)))

# --- tests ----------------------------------------------------------------------
include tests/tests.mk
include install.mk
include deb.mk

clean:
	rm -rf $(BUILD)
