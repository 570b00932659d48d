/*
 * qemu-fixes.c: makes Debian's unmodified 32-bit Wine run under qemu-i386 user-mode
 * emulation (Debian's qemu-user-static 7.2).
 *
 * Built as an i386 shared object and listed in the emulated system's /etc/ld.so.preload
 * (tests/wine32/emulation/build.sh), so that it is loaded into every 32-bit process run
 * under qemu with "-L <that system>", and into no native process.  It replaces no code of
 * Wine or glibc: it wraps five libc functions that Wine's 32-bit ntdll.so calls, to make
 * qemu behave as the Linux kernel does where Wine depends on it.  See docs/wine32.md for
 * the evidence behind each of the four points; each was seen to break a 32-bit Wine
 * process under qemu, and tests/wine32/emulation/selftest.c checks them all.
 *
 * 1. mmap(MAP_FIXED_NOREPLACE): the kernel fails with EEXIST when the range is taken;
 *    qemu 7.2 ignores the flag and maps the range elsewhere.  Wine reserves its address
 *    space with such calls and, getting misplaced mappings, splits the space into ever
 *    smaller pieces: about 65000 mmap calls and one to two minutes per process start.
 *    Here a misplaced mapping is undone and EEXIST returned, as the kernel does.
 *
 * 2. %fs: qemu keeps one GDT for all threads of a process, so the GDT entry that Wine
 *    allocates with set_thread_area(-1) and points at each thread's TEB holds the TEB of
 *    the thread that wrote it last, for every thread.  When that allocation fails, Wine
 *    gives each thread an LDT entry of its own instead (signal_init_threading in
 *    dlls/ntdll/unix/signal_i386.c): the allocation is made to fail (ENOSYS).
 *
 * 3. %gs: for the same reason glibc's TLS entry (GDT entry 6) holds the TLS of the thread
 *    created last, and qemu reloads %gs from it on every return from a signal handler, as
 *    Wine does on entering one: the thread then runs on another thread's TLS (errno,
 *    malloc's caches, its own identity).  Here every thread gets an LDT entry of its own
 *    for its TLS (LDT entries 1-511; Wine leaves those to libc when %gs is in the LDT and
 *    allocates from 512 on).  glibc takes a new thread's TLS entry number from the
 *    creator's %gs, so pthread_create runs with %gs back on GDT entry 6, pointed at the
 *    creator's own TLS for the time of the call.  Threads that glibc creates internally
 *    (timer_create with SIGEV_THREAD, aio) are not covered; Wine's 32-bit Unix
 *    libraries use none of them.
 *
 * 4. Trap numbers: qemu reports every synchronous fault with trap number -1 in the signal
 *    context, while Wine's i386 fault handlers decide on the trap number (14: page fault,
 *    13: protection fault, ...): a stack guard page or an access violation became an
 *    "illegal instruction".  The number is restored from the signal and si_code, as the
 *    kernel would have set it, before Wine's handler runs.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#if !defined(__i386__)
#error "qemu-fixes.c is for 32-bit x86 only"
#endif

static long (*next_syscall)(long, ...);
static void *(*next_mmap)(void *, size_t, int, int, int, off_t);
static void *(*next_mmap64)(void *, size_t, int, int, int, off64_t);
static int (*next_sigaction)(int, const struct sigaction *, struct sigaction *);
static int (*next_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

/* --- 1. mmap with MAP_FIXED_NOREPLACE ----------------------------------------------- */

static void *noreplace(void *wanted, void *got, size_t len)
{
    if (got != MAP_FAILED && got != wanted)
    {
        munmap(got, len);
        errno = EEXIST;
        return MAP_FAILED;
    }
    return got;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    void *ret = next_mmap(addr, len, prot, flags, fd, offset);
    return (flags & MAP_FIXED_NOREPLACE) ? noreplace(addr, ret, len) : ret;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t offset)
{
    void *ret = next_mmap64(addr, len, prot, flags, fd, offset);
    return (flags & MAP_FIXED_NOREPLACE) ? noreplace(addr, ret, len) : ret;
}

/* --- 2. no GDT entry for Wine's %fs --------------------------------------------------- */

long syscall(long number, ...)
{
    long a[6];
    va_list args;
    int i;

    va_start(args, number);
    for (i = 0; i < 6; i++) a[i] = va_arg(args, long);
    va_end(args);
    if (number == SYS_set_thread_area && a[0] &&
        ((struct user_desc *)a[0])->entry_number == (unsigned int)-1)
    {
        errno = ENOSYS;
        return -1;
    }
    return next_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* --- 3. a per-thread LDT entry for glibc's %gs ---------------------------------------- */

#define TLS_LDT_ENTRIES 512

static pthread_mutex_t ldt_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char ldt_used[TLS_LDT_ENTRIES];
static unsigned int ldt_next = 1;     /* round robin: a freed entry is reused last */
static unsigned int gdt_tls_entry;    /* glibc's GDT entry, from the initial %gs */
static pthread_key_t ldt_key;

static unsigned short get_gs(void)
{
    unsigned short sel;
    __asm__ volatile("movw %%gs,%0" : "=r"(sel));
    return sel;
}

static void set_gs(unsigned short sel)
{
    __asm__ volatile("movw %0,%%gs" : : "r"(sel) : "memory");
}

/* glibc's TCB starts with a pointer to itself: the base of the thread's %gs. */
static unsigned long tls_base(void)
{
    unsigned long base;
    __asm__ volatile("movl %%gs:0,%0" : "=r"(base));
    return base;
}

/* The descriptor glibc itself writes for a thread's TLS (fill_user_desc). */
static void tls_descriptor(struct user_desc *desc, unsigned int entry, unsigned long base)
{
    desc->entry_number = entry;
    desc->base_addr = base;
    desc->limit = 0xfffff;
    desc->seg_32bit = 1;
    desc->contents = 0;
    desc->read_exec_only = 0;
    desc->limit_in_pages = 1;
    desc->seg_not_present = 0;
    desc->useable = 1;
}

static void ldt_release(void *entry)
{
    pthread_mutex_lock(&ldt_lock);
    ldt_used[(unsigned long)entry] = 0;
    pthread_mutex_unlock(&ldt_lock);
}

/* Moves the calling thread's %gs to an LDT entry of its own; called with all signals
 * blocked.  Returns the entry, or 0 if none is free (the thread keeps the GDT entry). */
static unsigned int tls_to_ldt(void)
{
    struct user_desc desc;
    unsigned int i, entry = 0;

    pthread_mutex_lock(&ldt_lock);
    for (i = 1; i < TLS_LDT_ENTRIES && !entry; i++)
    {
        if (!ldt_used[ldt_next]) ldt_used[entry = ldt_next] = 1;
        ldt_next = ldt_next + 1 < TLS_LDT_ENTRIES ? ldt_next + 1 : 1;
    }
    pthread_mutex_unlock(&ldt_lock);
    if (!entry) return 0;
    tls_descriptor(&desc, entry, tls_base());
    if (next_syscall(SYS_modify_ldt, 1, &desc, sizeof(desc)))
    {
        ldt_release((void *)(unsigned long)entry);
        return 0;
    }
    set_gs((entry << 3) | 7);
    return entry;
}

struct start
{
    void *(*routine)(void *);
    void *arg;
    sigset_t mask;
};

static void *start_thread(void *param)
{
    struct start start = *(struct start *)param;
    unsigned long entry;

    free(param);
    /* all signals are still blocked here: pthread_create below blocked them */
    if ((entry = tls_to_ldt())) pthread_setspecific(ldt_key, (void *)entry);
    pthread_sigmask(SIG_SETMASK, &start.mask, NULL);
    return start.routine(start.arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*routine)(void *), void *arg)
{
    static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;
    struct start *start = malloc(sizeof(*start));
    unsigned short sel = get_gs();
    sigset_t all;
    int ret;

    if (!start) return EAGAIN;
    start->routine = routine;
    start->arg = arg;
    /* The new thread starts with the creator's signal mask: all blocked until its %gs
     * has its own LDT entry. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &start->mask);
    pthread_mutex_lock(&create_lock);
    if (sel & 4)
    {
        struct user_desc desc;
        tls_descriptor(&desc, gdt_tls_entry, tls_base());
        next_syscall(SYS_set_thread_area, &desc);
        set_gs((gdt_tls_entry << 3) | 3);
    }
    ret = next_pthread_create(thread, attr, start_thread, start);
    set_gs(sel);
    pthread_mutex_unlock(&create_lock);
    pthread_sigmask(SIG_SETMASK, &start->mask, NULL);
    if (ret) free(start);
    return ret;
}

/* --- 4. trap numbers of synchronous faults ---------------------------------------------- */

static void (*handlers[_NSIG])(int, siginfo_t *, void *);

static int is_fault_signal(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

static void fault_handler(int sig, siginfo_t *info, void *context)
{
    greg_t *trapno = &((ucontext_t *)context)->uc_mcontext.gregs[REG_TRAPNO];

    if (*trapno == -1)
    {
        switch (sig)
        {
        case SIGSEGV: *trapno = info->si_code == SI_KERNEL ? 13 : 14; break;
        case SIGILL:  *trapno = 6; break;
        case SIGTRAP: *trapno = info->si_code == SI_KERNEL ? 3 : 1; break;
        case SIGFPE:  *trapno = info->si_code == FPE_INTDIV ? 0 : info->si_code == FPE_INTOVF ? 4 : 16; break;
        case SIGBUS:  if (info->si_code == BUS_ADRALN) *trapno = 17; break;
        }
    }
    handlers[sig](sig, info, context);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    void (*previous)(int, siginfo_t *, void *) = NULL;
    struct sigaction wrapped;
    int ret;

    if (is_fault_signal(sig))
    {
        previous = handlers[sig];
        if (act && (act->sa_flags & SA_SIGINFO) && act->sa_sigaction)
        {
            wrapped = *act;
            handlers[sig] = act->sa_sigaction;
            wrapped.sa_sigaction = fault_handler;
            act = &wrapped;
        }
    }
    ret = next_sigaction(sig, act, old);
    if (!ret && old && (old->sa_flags & SA_SIGINFO) && old->sa_sigaction == fault_handler)
        old->sa_sigaction = previous;
    return ret;
}

/* ------------------------------------------------------------------------------------ */

__attribute__((constructor)) static void init(void)
{
    sigset_t all, mask;

    next_syscall = dlsym(RTLD_NEXT, "syscall");
    next_mmap = dlsym(RTLD_NEXT, "mmap");
    next_mmap64 = dlsym(RTLD_NEXT, "mmap64");
    next_sigaction = dlsym(RTLD_NEXT, "sigaction");
    next_pthread_create = dlsym(RTLD_NEXT, "pthread_create");
    if (!next_syscall || !next_mmap || !next_mmap64 || !next_sigaction || !next_pthread_create)
        abort();
    /* The main thread: before any other thread exists, so that qemu's LDT (allocated by
     * the first modify_ldt) is known to every thread created from now on. */
    gdt_tls_entry = get_gs() >> 3;
    pthread_key_create(&ldt_key, ldt_release);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &mask);
    tls_to_ldt();
    pthread_sigmask(SIG_SETMASK, &mask, NULL);
}
