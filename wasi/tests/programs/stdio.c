/* stdio.c - standard input, output and error.
 *
 * stdin: exactly "line one\nline two\n" (18 bytes).
 * stdout: "stdin: 18 bytes\n", then "ok <N> checks".
 * stderr: "stdio: hello from stderr\n" (plus FAIL lines if any).
 *
 * Covers: fd_read and fd_write on fds 0/1/2, fd_fdstat_get on 0/1/2.
 */
#include "check.h"

int main(void) {
    /* ---- fd_fdstat_get on the standard fds ---- */
    __wasi_fdstat_t st;
    for (__wasi_fd_t fd = 0; fd <= 2; fd++) {
        CHECK_OK(__wasi_fd_fdstat_get(fd, &st));
    }

    /* ---- first line with raw fd_read, two iovecs per call ----
     * Reads may be short, so loop; never ask for more than the 9 bytes of
     * "line one\n" so that libc can read the rest. */
    char raw[16];
    size_t got = 0;
    int calls = 0;
    while (got < 9 && calls++ < 20) {
        size_t remain = 9 - got, first = remain < 4 ? remain : 4;
        __wasi_iovec_t iov[2] = {
            {(uint8_t *)raw + got, first},
            {(uint8_t *)raw + got + first, remain - first},
        };
        __wasi_size_t n = 0;
        if (CHECK_OK(__wasi_fd_read(0, iov, 2, &n)) != 0) break;
        if (n == 0) break;
        CHECK(n <= remain);
        got += n;
    }
    CHECK(got == 9);
    CHECK(memcmp(raw, "line one\n", 9) == 0);

    /* ---- the rest through libc ---- */
    char line[64];
    CHECK(fgets(line, sizeof line, stdin) != NULL);
    CHECK(strcmp(line, "line two\n") == 0);
    CHECK(fgets(line, sizeof line, stdin) == NULL);
    CHECK(feof(stdin));
    size_t total = got + strlen("line two\n");
    CHECK(total == 18);

    /* a raw read at end of input returns 0 bytes */
    __wasi_iovec_t one = {(uint8_t *)raw, sizeof raw};
    __wasi_size_t n = 99;
    CHECK_OK(__wasi_fd_read(0, &one, 1, &n));
    CHECK(n == 0);

    /* ---- stdout: raw fd_write with two iovecs ----
     * Like writev, a write may be short (wasmtime writes only the first
     * iovec), so finish the rest; the harness checks the exact output. */
    char count[16];
    snprintf(count, sizeof count, "%zu bytes\n", total);
    char msg[32];
    snprintf(msg, sizeof msg, "stdin: %s", count);
    __wasi_ciovec_t out[2] = {
        {(const uint8_t *)"stdin: ", 7},
        {(const uint8_t *)count, strlen(count)},
    };
    __wasi_size_t written = 0;
    CHECK_OK(__wasi_fd_write(1, out, 2, &written));
    CHECK(written >= 1 && written <= 16);
    size_t done = written;
    calls = 0;
    while (done < 16 && calls++ < 20) {
        __wasi_ciovec_t rest = {(const uint8_t *)msg + done, 16 - done};
        if (__wasi_fd_write(1, &rest, 1, &written) != 0 || written == 0) break;
        done += written;
    }
    CHECK(done == 16);

    /* ---- stderr: libc and raw ---- */
    fprintf(stderr, "stdio: hello ");
    fflush(stderr);
    __wasi_ciovec_t err = {(const uint8_t *)"from stderr\n", 12};
    CHECK_OK(__wasi_fd_write(2, &err, 1, &written));
    CHECK(written == 12);

    return check_done();
}
