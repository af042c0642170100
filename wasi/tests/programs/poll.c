/* poll.c - poll_oneoff with clock and fd subscriptions.
 *
 * Covers: poll_oneoff (relative and absolute clocks, FD_READ / FD_WRITE on
 *         regular files, mixed subscriptions, per-event errors, INVAL, FAULT).
 */
#include "check.h"

#define SANDBOX 3
#define NOT_OPEN 99
#define MS 1000000ull
#define SEC 1000000000ull
#define FILE_RIGHTS                                                                  \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |        \
     __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_POLL_FD_READWRITE)

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_timestamp_t timeout,
                                       __wasi_subclockflags_t flags) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.precision = 0;
    s.u.u.clock.flags = flags;
    return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type,
                                    __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd; /* fd_read and fd_write share the layout */
    return s;
}

static __wasi_timestamp_t mono(void) {
    __wasi_timestamp_t t = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t));
    return t;
}

/* Index of the event with this userdata, or -1. */
static int find(const __wasi_event_t *ev, __wasi_size_t n, __wasi_userdata_t ud) {
    for (__wasi_size_t i = 0; i < n; i++)
        if (ev[i].userdata == ud) return (int)i;
    return -1;
}

/* Out-of-bounds pointers must give FAULT, not a trap (see check.h). */
static void bad_arg_checks(void) {
    __wasi_subscription_t in[1] = {clock_sub(1, 0, 0)};
    __wasi_event_t out[1];
    __wasi_size_t n;
    CHECK_ERRNO(__wasi_poll_oneoff(BAD_PTR, out, 1, &n), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_poll_oneoff(in, BAD_PTR, 1, &n), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_poll_oneoff(in, out, 1, BAD_PTR), __WASI_ERRNO_FAULT);
}

int main(void) {
    __wasi_subscription_t in[4];
    __wasi_event_t out[4];
    __wasi_size_t n;

    /* ---- relative clock, 10 ms ---- */
    in[0] = clock_sub(0x1234, 10 * MS, 0);
    memset(out, 0xff, sizeof out);
    __wasi_timestamp_t t0 = mono();
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 1, &n));
    __wasi_timestamp_t t1 = mono();
    CHECK(n == 1);
    CHECK(out[0].userdata == 0x1234);
    CHECK(out[0].error == __WASI_ERRNO_SUCCESS);
    CHECK(out[0].type == __WASI_EVENTTYPE_CLOCK);
    CHECK(t1 - t0 >= 10 * MS);
    CHECK(t1 - t0 < 5 * SEC);

    /* ---- absolute clock, 20 ms ahead ---- */
    __wasi_timestamp_t deadline = mono() + 20 * MS;
    in[0] = clock_sub(0xAB5, deadline, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 1, &n));
    t1 = mono();
    CHECK(n == 1 && out[0].userdata == 0xAB5 && out[0].type == __WASI_EVENTTYPE_CLOCK);
    CHECK(out[0].error == __WASI_ERRNO_SUCCESS);
    CHECK(t1 >= deadline);
    CHECK(t1 - deadline < 5 * SEC);
    /* an absolute deadline in the past fires at once */
    in[0] = clock_sub(0xAB6, 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    t0 = mono();
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 1, &n));
    CHECK(n == 1 && out[0].userdata == 0xAB6 && out[0].type == __WASI_EVENTTYPE_CLOCK);
    CHECK(mono() - t0 < 5 * SEC);
    /* a zero relative timeout too */
    in[0] = clock_sub(0xAB7, 0, 0);
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 1, &n));
    CHECK(n == 1 && out[0].userdata == 0xAB7 && out[0].type == __WASI_EVENTTYPE_CLOCK);

    /* ---- two clocks: only the short one fires ---- */
    in[0] = clock_sub(0x10, 10 * SEC, 0);
    in[1] = clock_sub(0x11, 5 * MS, 0);
    t0 = mono();
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 2, &n));
    CHECK(n == 1 && out[0].userdata == 0x11 && out[0].type == __WASI_EVENTTYPE_CLOCK);
    CHECK(mono() - t0 < 5 * SEC);

    /* ---- FD_READ on a regular file: ready, nbytes = bytes left ---- */
    __wasi_fd_t fd = NOT_OPEN;
    CHECK_OK(__wasi_path_open(SANDBOX, 0, "hello.txt", 0, FILE_RIGHTS, 0, 0, &fd));
    __wasi_filesize_t pos;
    CHECK_OK(__wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos));
    in[0] = fd_sub(0x20, __WASI_EVENTTYPE_FD_READ, fd);
    memset(out, 0, sizeof out);
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 1, &n));
    CHECK(n == 1);
    CHECK(out[0].userdata == 0x20);
    CHECK(out[0].error == __WASI_ERRNO_SUCCESS);
    CHECK(out[0].type == __WASI_EVENTTYPE_FD_READ);
    CHECK(out[0].fd_readwrite.nbytes == 10); /* 13 bytes, offset 3 */
    NOTE("FD_READ nbytes on a file at offset 3 of 13: %llu", (unsigned long long)out[0].fd_readwrite.nbytes);

    /* ---- FD_WRITE on a regular file: ready ---- */
    __wasi_fd_t wfd = NOT_OPEN;
    CHECK_OK(__wasi_path_open(SANDBOX, 0, "poll-w.txt", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0,
                              &wfd));
    in[0] = fd_sub(0x30, __WASI_EVENTTYPE_FD_WRITE, wfd);
    memset(out, 0, sizeof out);
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 1, &n));
    CHECK(n == 1);
    CHECK(out[0].userdata == 0x30);
    CHECK(out[0].error == __WASI_ERRNO_SUCCESS);
    CHECK(out[0].type == __WASI_EVENTTYPE_FD_WRITE);

    /* ---- a 10 s clock plus FD_READ: the fd event comes back at once ---- */
    in[0] = clock_sub(0x40, 10 * SEC, 0);
    in[1] = fd_sub(0x41, __WASI_EVENTTYPE_FD_READ, fd);
    t0 = mono();
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 2, &n));
    CHECK(mono() - t0 < 5 * SEC);
    CHECK(n == 1);
    int k = find(out, n, 0x41);
    CHECK(k >= 0 && out[k].type == __WASI_EVENTTYPE_FD_READ && out[k].error == 0);
    CHECK(find(out, n, 0x40) == -1);

    /* ---- read and write subscriptions together: one or both come back
     * (the spec does not promise every ready event in one call), never the
     * 10 s clock ---- */
    in[0] = fd_sub(0x50, __WASI_EVENTTYPE_FD_READ, fd);
    in[1] = fd_sub(0x51, __WASI_EVENTTYPE_FD_WRITE, wfd);
    in[2] = clock_sub(0x52, 10 * SEC, 0);
    n = 99;
    t0 = mono();
    CHECK_OK(__wasi_poll_oneoff(in, out, 3, &n));
    CHECK(mono() - t0 < 5 * SEC);
    CHECK(n == 1 || n == 2);
    CHECK(n > 2 || find(out, n, 0x50) >= 0 || find(out, n, 0x51) >= 0);
    CHECK(n > 2 || find(out, n, 0x52) == -1);

    /* ---- FD_READ on a closed fd: an event carrying BADF ---- */
    in[0] = fd_sub(0x60, __WASI_EVENTTYPE_FD_READ, NOT_OPEN);
    memset(out, 0, sizeof out);
    n = 99;
    CHECK_OK(__wasi_poll_oneoff(in, out, 1, &n));
    CHECK(n == 1);
    CHECK(out[0].userdata == 0x60);
    CHECK(out[0].type == __WASI_EVENTTYPE_FD_READ);
    CHECK_ERRNO(out[0].error, __WASI_ERRNO_BADF);

    /* ---- an unknown event type (eventtype has three values) ---- */
    in[0] = clock_sub(0x70, 0, 0);
    in[0].u.tag = 7;
    CHECK_ERRNO(__wasi_poll_oneoff(in, out, 1, &n), __WASI_ERRNO_INVAL);

    /* ---- "If nsubscriptions is 0, returns errno::inval." ---- */
    CHECK_ERRNO(__wasi_poll_oneoff(in, out, 0, &n), __WASI_ERRNO_INVAL);

    CHECK_OK(__wasi_fd_close(fd));
    CHECK_OK(__wasi_fd_close(wfd));
    RUN_BAD_ARG_CHECKS(bad_arg_checks);
    return check_done();
}
