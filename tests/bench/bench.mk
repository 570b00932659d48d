# make bench: performance figures of the x86-64 DLL and of dsbackup under Wine,
# each measured side by side with a baseline that does the same work without the
# DLL (or, for dsbackup, with each half of its work alone).
#
#   make bench                  about 14 minutes; writes docs/performance.md and docs/bench.png
#   BENCH_QUICK=1 make bench    a minute or two; writes build/bench/ only
#   BENCH_DLL=x.dll make bench  the same figures for another build of the DLL
#   BENCH_SECTIONS="backup logs" make bench    only some sections
#
# The plot needs gnuplot; as root, the target installs Debian's gnuplot-nox when
# it is missing.

BENCH_EXE := $(BUILD)/x86_64/bench.exe
BENCH_SHA256_SRCS := tools/dsbackup/sha256.c tools/dsbackup/sha256_x86.c
# dsbackup without its reader thread: verify reads and hashes each buffer in
# turn (DSBACKUP_NO_READER_THREAD, tools/dsbackup/pipeline.c), to measure what
# the thread gains.  Only the benchmark builds it; the tool has no such switch.
BENCH_SEQUENTIAL_EXE := $(BUILD)/x86_64/bench/dsbackup-sequential.exe

$(BENCH_EXE): tests/bench/bench.c $(BENCH_SHA256_SRCS) tools/dsbackup/sha256.h $(BUILD)/x86_64/libntdsbcli.a \
              include/ntdsbcli.h include/ntdsbmsg.h common/ntds_layout.h
	@mkdir -p $(@D)
	x86_64-w64-mingw32-gcc $(CFLAGS_COMMON) -Iinclude -Icommon -Itools/dsbackup -D_WIN32_WINNT=0x0601 \
	    -D__USE_MINGW_ANSI_STDIO=1 -o $@ $< $(BENCH_SHA256_SRCS) -L$(BUILD)/x86_64 -lntdsbcli -static -static-libgcc -lpsapi

$(BENCH_SEQUENTIAL_EXE): $(DSBACKUP_SRCS) $(DSBACKUP_HEADERS) $(TOOL_HEADERS) $(TOOL_COMMON_SRCS) $(BUILD)/x86_64/obj/dsbackup.res.o \
                         $(BUILD)/x86_64/libntdsbcli.a
	@mkdir -p $(@D)
	x86_64-w64-mingw32-gcc $(TOOL_CFLAGS) -Itools/dsbackup -DDSBACKUP_NO_READER_THREAD -o $@ $(DSBACKUP_SRCS) $(TOOL_COMMON_SRCS) \
	    $(BUILD)/x86_64/obj/dsbackup.res.o -L$(BUILD)/x86_64 -lntdsbcli $(WIN_LDFLAGS) $(DSBACKUP_LIBS)

bench: $(BENCH_EXE) $(BENCH_SEQUENTIAL_EXE) $(BUILD)/x86_64/ntdsbcli.dll $(BUILD)/x86_64/dsbackup.exe
	@if ! command -v gnuplot >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "bench: installing gnuplot-nox for the plot"; \
	        apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 \
	            || { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq gnuplot-nox >/dev/null 2>&1; } \
	            || echo "bench: could not install gnuplot-nox: the figures will come without a plot"; \
	    else \
	        echo "bench: gnuplot is missing (apt-get install gnuplot-nox): the figures will come without a plot"; \
	    fi; \
	fi
	@BUILD=$(BUILD) bash tests/bench/run.sh
