# libFuzzer targets of the platform-neutral core (the restore journal's format among
# it) and of dsbackup's manifest parser and SHA-256 (clang, with ASan and UBSan).
#   make check-fuzz          each target for $(FUZZ_CHECK_SECONDS) s, as suites fuzz-<target>
#   make fuzz                each target for $(FUZZ_SECONDS) s (default 300)
#   make fuzz-merge-corpus   deliberately adds what the working corpora found, minimised,
#                            to the seed corpora in tests/fuzz/corpus/ (then review, commit)
# Working corpora, logs and crash reproducers stay under $(BUILD)/fuzz/<target>/.
#
# Included from tests/unit/unit.mk; BUILD, CORE_SRCS and HEADERS come from the Makefile.

FUZZ_TARGETS       := fuzz_attachment_name fuzz_expiry_token fuzz_name_list fuzz_restore_map fuzz_config_path \
                      fuzz_restore_journal fuzz_manifest fuzz_sha256
FUZZ_SUITES        := $(addprefix fuzz-,$(FUZZ_TARGETS))
FUZZ_CHECK_SECONDS := 15
FUZZ_SECONDS       ?= 300
FUZZ_CFLAGS        := -std=gnu11 -O1 -g -Wall -Wextra -Werror=implicit-function-declaration \
                      $(NATIVE_INCLUDES) -Itests/lib $(TEST_BUILD_FLAGS) -fsanitize=fuzzer,address,undefined \
                      -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BINS          := $(addprefix $(NATIVE_DIR)/fuzz/,$(FUZZ_TARGETS))

$(NATIVE_DIR)/fuzz/%: tests/fuzz/%.c $(CORE_SRCS) $(FAULT_SRCS) $(HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(FAULT_SRCS)

# dsbackup's manifest parser, the tools' one parser of untrusted input: its own
# source only (TOOL_CORE_SRCS, tests/unit/unit.mk).
$(NATIVE_DIR)/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c $(TOOL_CORE_SRCS) $(TOOL_CORE_HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Itools/dsbackup -o $@ $< $(TOOL_CORE_SRCS)

# dsbackup's SHA-256 against OpenSSL's (libcrypto, from libssl-dev).
FUZZ_SHA256_SRCS := tools/dsbackup/sha256.c tools/dsbackup/sha256_x86.c
$(NATIVE_DIR)/fuzz/fuzz_sha256: tests/fuzz/fuzz_sha256.c $(FUZZ_SHA256_SRCS) tools/dsbackup/sha256.h
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Itools/dsbackup -o $@ $< $(FUZZ_SHA256_SRCS) -lcrypto

.PHONY: check-fuzz fuzz fuzz-build fuzz-suites fuzz-merge-corpus
fuzz-build: $(FUZZ_BINS)

# $(1): seconds per target
define FUZZ_RUN
@$(MAKE) --no-print-directory -k fuzz-build || true
@for t in $(FUZZ_TARGETS); do tests/run-suite.sh fuzz-$$t tests/fuzz/run-fuzz.sh $$t $(NATIVE_DIR)/fuzz/$$t $(1) $(BUILD)/fuzz/$$t; done
endef

fuzz-suites:
	$(call FUZZ_RUN,$(FUZZ_CHECK_SECONDS))

check-fuzz: fuzz-suites
	@tests/unit/verdict.sh check-fuzz $(FUZZ_SUITES)

fuzz:
	$(call FUZZ_RUN,$(FUZZ_SECONDS))
	@tests/unit/verdict.sh fuzz $(FUZZ_SUITES)

fuzz-merge-corpus: fuzz-build
	@for t in $(FUZZ_TARGETS); do mkdir -p $(BUILD)/fuzz/$$t/corpus && \
	    $(NATIVE_DIR)/fuzz/$$t -merge=1 tests/fuzz/corpus/$$t $(BUILD)/fuzz/$$t/corpus 2>&1 \
	    | grep -E '^MERGE-OUTER: [0-9]+ new files'; done
