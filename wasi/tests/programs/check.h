/* check.h - tiny self-checking harness shared by the Iris WASI test programs.
 *
 *   CHECK(cond)                      counts a check; on failure prints
 *                                    "FAIL <file>:<line>: <expr>" to stderr.
 *   CHECK_ERRNO(call, want)          counts a check; `call` returns a
 *                                    __wasi_errno_t which must equal `want`;
 *                                    on mismatch prints the actual errno.
 *   CHECK_ERRNO2(call, a, b)         like CHECK_ERRNO, but either a or b is
 *                                    accepted (for the few cases where several
 *                                    errnos are reasonable). Returns the errno.
 *   CHECK_OK(call)                   CHECK_ERRNO(call, __WASI_ERRNO_SUCCESS)
 *   RUN_BAD_ARG_CHECKS(fn);          calls fn(), the function holding the
 *                                    checks that pass out-of-bounds pointers
 *                                    (want FAULT) or out-of-range enum values
 *                                    (want INVAL); see below.
 *   NOTE(fmt, ...)                   prints "note: ..." to stdout (host
 *                                    behaviour worth seeing, e.g. which of
 *                                    two accepted errnos came back).
 *   return check_done();             last statement of main: prints
 *                                    "ok <N> checks" to stdout (and returns 0)
 *                                    or a failure summary to stderr (returns 1).
 */
#ifndef IRIS_CHECK_H
#define IRIS_CHECK_H

#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

static int check_count;
static int check_failures;

/* An address far outside any linear memory these programs use. */
#define BAD_PTR ((void *)(uintptr_t)0xFFFFFFF0u)

static const char *const errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT",
    "AGAIN", "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD",
    "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM",
    "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ",
    "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE",
    "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET",
    "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK",
    "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN",
    "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO",
    "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT",
    "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT",
    "TXTBSY", "XDEV", "NOTCAPABLE",
};

static inline const char *errno_name(__wasi_errno_t e) {
    return e < sizeof errno_names / sizeof errno_names[0] ? errno_names[e] : "?";
}

static inline int check_impl(int ok, const char *file, int line, const char *expr) {
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
    }
    return ok;
}

static inline __wasi_errno_t check_errno_impl(__wasi_errno_t got, __wasi_errno_t a,
                                              __wasi_errno_t b, const char *file,
                                              int line, const char *expr) {
    check_count++;
    if (got != a && got != b) {
        check_failures++;
        if (a == b)
            fprintf(stderr, "FAIL %s:%d: %s: got errno %u (%s), want %u (%s)\n", file,
                    line, expr, got, errno_name(got), a, errno_name(a));
        else
            fprintf(stderr, "FAIL %s:%d: %s: got errno %u (%s), want %u (%s) or %u (%s)\n",
                    file, line, expr, got, errno_name(got), a, errno_name(a), b,
                    errno_name(b));
    }
    return got;
}

#define NOTE(...) (printf("note: " __VA_ARGS__), printf("\n"), fflush(stdout))

#define CHECK(cond) check_impl(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_ERRNO(call, want) \
    check_errno_impl((call), (want), (want), __FILE__, __LINE__, #call)
#define CHECK_ERRNO2(call, a, b) \
    check_errno_impl((call), (a), (b), __FILE__, __LINE__, #call)
#define CHECK_OK(call) \
    check_errno_impl((call), 0, 0, __FILE__, __LINE__, #call)

/* Some hosts (wasmtime among them) trap on an out-of-bounds pointer or an
 * out-of-range enum value instead of returning FAULT / INVAL, which ends the
 * program at the first such check. Each program keeps those checks in one
 * function, run last; building with -DIRIS_SKIP_BAD_ARG_CHECKS leaves them
 * out, so the other checks can still be compared against such a host. The
 * committed .wasm files include them. */
#ifdef IRIS_SKIP_BAD_ARG_CHECKS
#define RUN_BAD_ARG_CHECKS(fn) ((void)(fn))
#else
#define RUN_BAD_ARG_CHECKS(fn) (fn)()
#endif

static inline int check_done(void) {
    if (check_failures) {
        fflush(stdout);
        fprintf(stderr, "%d of %d checks failed\n", check_failures, check_count);
        return 1;
    }
    printf("ok %d checks\n", check_count);
    return 0;
}

#endif
