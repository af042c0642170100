/* clocks.c - clocks, randomness, scheduling, signals and the socket stubs.
 *
 * Covers: clock_res_get, clock_time_get, random_get, sched_yield, proc_raise,
 *         sock_accept, sock_recv, sock_send, sock_shutdown.
 */
#include "check.h"

/* proc_raise is not declared by wasi-libc's <wasi/api.h> any more; import it
 * directly. Signal 15 is `signal::term`. */
int32_t raw_proc_raise(int32_t sig)
    __attribute__((__import_module__("wasi_snapshot_preview1"),
                   __import_name__("proc_raise")));
#define SIGNAL_TERM 15

/* Reads a clock; returns 0 on error (callers check the errno separately). */
static __wasi_timestamp_t now(__wasi_clockid_t id) {
    __wasi_timestamp_t t = 0;
    return __wasi_clock_time_get(id, 1, &t) == __WASI_ERRNO_SUCCESS ? t : 0;
}

/* About 30 ms of pure computation (bounded, in case the clock is broken). */
static void busy_loop(void) {
    __wasi_timestamp_t start = now(__WASI_CLOCKID_MONOTONIC);
    volatile uint32_t x = 1;
    int rounds = 0;
    do {
        for (int i = 0; i < 10000; i++) x = x * 1664525u + 1013904223u;
    } while (now(__WASI_CLOCKID_MONOTONIC) - start < 30000000ull && ++rounds < 1000000);
}

static int all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

/* Out-of-bounds pointers must give FAULT and an unknown clock id INVAL, not a
 * trap (see check.h). */
static void bad_arg_checks(void) {
    __wasi_timestamp_t ts;
    /* "For unsupported clocks, return errno::inval." */
    CHECK_ERRNO(__wasi_clock_res_get(99, &ts), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_clock_time_get(99, 1, &ts), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, BAD_PTR), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, BAD_PTR), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_random_get(BAD_PTR, 64), __WASI_ERRNO_FAULT);
}

int main(void) {
    /* ---- resolution of every clock: non-zero, at most a second ---- */
    __wasi_timestamp_t res_rt = 0, res_mono = 0, res_proc = 0, res_thread = 0;
    CHECK_OK(__wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res_rt));
    CHECK_OK(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res_mono));
    CHECK_OK(__wasi_clock_res_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, &res_proc));
    CHECK_OK(__wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &res_thread));
    CHECK(res_rt > 0 && res_rt <= 1000000000ull);
    CHECK(res_mono > 0 && res_mono <= 1000000000ull);
    CHECK(res_proc > 0 && res_proc <= 1000000000ull);
    CHECK(res_thread > 0 && res_thread <= 1000000000ull);

    /* ---- realtime: after 2020-01-01, before 2200-01-01 ---- */
    __wasi_timestamp_t rt = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt));
    CHECK(rt > 1577836800ull * 1000000000ull);
    CHECK(rt < 7258118400ull * 1000000000ull);

    /* ---- monotonic never goes backwards ---- */
    __wasi_timestamp_t prev = 0, t = 0;
    int backwards = 0, errors = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &prev));
    for (int i = 0; i < 1000; i++) {
        if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t) != 0) errors++;
        if (t < prev) backwards++;
        prev = t;
    }
    CHECK(errors == 0);
    CHECK(backwards == 0);

    /* ---- CPU-time clocks advance while computing ---- */
    __wasi_timestamp_t p0 = 0, p1 = 0, t0 = 0, t1 = 0, m0 = 0, m1 = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &p0));
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &t0));
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m0));
    busy_loop();
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &p1));
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &t1));
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m1));
    CHECK(m1 - m0 >= 30000000ull);
    CHECK(p1 > p0);
    CHECK(t1 > t0);
    /* One thread's CPU time cannot run (much) faster than wall time. */
    CHECK(t1 - t0 <= (m1 - m0) + 10000000ull);

    /* ---- random_get ---- */
    uint8_t r1[64], r2[64];
    memset(r1, 0, sizeof r1);
    memset(r2, 0, sizeof r2);
    CHECK_OK(__wasi_random_get(r1, sizeof r1));
    CHECK_OK(__wasi_random_get(r2, sizeof r2));
    CHECK(!all_zero(r1, sizeof r1));
    CHECK(!all_zero(r2, sizeof r2));
    CHECK(memcmp(r1, r2, sizeof r1) != 0);
    uint8_t guard[4] = {7, 7, 7, 7};
    CHECK_OK(__wasi_random_get(guard, 0));
    CHECK(guard[0] == 7 && guard[3] == 7); /* zero bytes means nothing written */

    /* ---- sched_yield, proc_raise ---- */
    CHECK_OK(__wasi_sched_yield());
    /* The spec names no error; a host without signals should refuse. NOSYS
     * ("function not supported") and NOTSUP ("not supported") are both
     * reasonable and accepted; wasmtime gives NOTSUP. */
    CHECK_ERRNO2(raw_proc_raise(SIGNAL_TERM), __WASI_ERRNO_NOSYS, __WASI_ERRNO_NOTSUP);

    /* ---- sockets: fd 1 is not a socket, fd 99 is not open ----
     * The spec does not name the error for a non-socket; NOTSUP and NOTSOCK
     * (POSIX's ENOTSOCK) are both accepted; wasmtime gives NOTSOCK. */
    __wasi_fd_t newfd;
    uint8_t byte = '\n';
    __wasi_iovec_t iov = {&byte, 1};
    __wasi_ciovec_t ciov = {&byte, 1};
    __wasi_size_t n;
    __wasi_roflags_t roflags;
    __wasi_errno_t e =
        CHECK_ERRNO2(__wasi_sock_accept(1, 0, &newfd), __WASI_ERRNO_NOTSUP, __WASI_ERRNO_NOTSOCK);
    NOTE("sock_accept on fd 1 -> %s", errno_name(e));
    CHECK_ERRNO2(__wasi_sock_recv(1, &iov, 1, 0, &n, &roflags), __WASI_ERRNO_NOTSUP,
                 __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO2(__wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSUP,
                 __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO2(__wasi_sock_shutdown(1, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR),
                 __WASI_ERRNO_NOTSUP, __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO(__wasi_sock_accept(99, 0, &newfd), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_sock_recv(99, &iov, 1, 0, &n, &roflags), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_sock_send(99, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_sock_shutdown(99, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);

    RUN_BAD_ARG_CHECKS(bad_arg_checks);
    return check_done();
}
