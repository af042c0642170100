/* args_env.c - command-line arguments and environment.
 *
 * Extra args: alpha "beta gamma"   (so argv = {"args_env.wasm", "alpha", "beta gamma"})
 * Environment: exactly IRIS_TEST=1 and EMPTY= (in that order).
 *
 * Covers: args_sizes_get, args_get, environ_sizes_get, environ_get.
 */
#include <stdlib.h>
#include "check.h"

extern char **environ;

/* The argument / environment strings laid out as the host must store them. */
static const char want_args[] = "args_env.wasm\0alpha\0beta gamma";   /* + final NUL */
static const char want_env[] = "IRIS_TEST=1\0EMPTY=";                  /* + final NUL */

/* Out-of-bounds pointers must give FAULT, not a trap (see check.h). */
static void bad_arg_checks(void) {
    __wasi_size_t count, size;
    uint8_t *ptrs[4];
    uint8_t buf[64];
    CHECK_ERRNO(__wasi_args_sizes_get(BAD_PTR, &size), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_args_sizes_get(&count, BAD_PTR), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_args_get(BAD_PTR, buf), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_args_get(ptrs, BAD_PTR), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_environ_sizes_get(BAD_PTR, &size), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_environ_sizes_get(&count, BAD_PTR), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_environ_get(BAD_PTR, buf), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_environ_get(ptrs, BAD_PTR), __WASI_ERRNO_FAULT);
}

int main(int argc, char **argv) {
    /* ---- libc view ---- */
    CHECK(argc == 3);
    if (argc == 3) {
        CHECK(strcmp(argv[0], "args_env.wasm") == 0);
        CHECK(strcmp(argv[1], "alpha") == 0);
        CHECK(strcmp(argv[2], "beta gamma") == 0);
        CHECK(argv[3] == NULL);
    }
    int nenv = 0;
    while (environ[nenv]) nenv++;
    CHECK(nenv == 2);
    if (nenv == 2) {
        CHECK(strcmp(environ[0], "IRIS_TEST=1") == 0);
        CHECK(strcmp(environ[1], "EMPTY=") == 0);
    }
    CHECK(getenv("IRIS_TEST") && strcmp(getenv("IRIS_TEST"), "1") == 0);
    CHECK(getenv("EMPTY") && getenv("EMPTY")[0] == '\0');
    CHECK(getenv("PATH") == NULL);
    CHECK(getenv("HOME") == NULL);

    /* ---- raw args ---- */
    __wasi_size_t count = 0, size = 0;
    CHECK_OK(__wasi_args_sizes_get(&count, &size));
    CHECK(count == 3);
    CHECK(size == sizeof want_args); /* 14 + 6 + 11 = 31 bytes, NULs included */

    uint8_t *ptrs[4] = {0, 0, 0, (uint8_t *)0x5555};
    uint8_t buf[64];
    memset(buf, 0xAA, sizeof buf);
    CHECK_OK(__wasi_args_get(ptrs, buf));
    CHECK(memcmp(buf, want_args, sizeof want_args) == 0);
    CHECK(buf[sizeof want_args] == 0xAA); /* nothing written past the strings */
    CHECK(ptrs[0] == buf);
    CHECK(ptrs[1] == buf + 14);
    CHECK(ptrs[2] == buf + 20);
    CHECK(ptrs[3] == (uint8_t *)0x5555); /* only `count` pointers written */

    /* ---- raw environ ---- */
    CHECK_OK(__wasi_environ_sizes_get(&count, &size));
    CHECK(count == 2);
    CHECK(size == sizeof want_env); /* 12 + 7 = 19 */

    memset(buf, 0xAA, sizeof buf);
    ptrs[2] = (uint8_t *)0x5555;
    CHECK_OK(__wasi_environ_get(ptrs, buf));
    CHECK(memcmp(buf, want_env, sizeof want_env) == 0);
    CHECK(buf[sizeof want_env] == 0xAA);
    CHECK(ptrs[0] == buf);
    CHECK(ptrs[1] == buf + 12);
    CHECK(ptrs[2] == (uint8_t *)0x5555);

    RUN_BAD_ARG_CHECKS(bad_arg_checks);
    return check_done();
}
