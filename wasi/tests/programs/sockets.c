/* sockets.c - the sock_* functions on descriptors that are not sockets.
 *
 * Covers: shutdown/send/recv through wasi-libc and sock_accept, sock_recv,
 *         sock_send, sock_shutdown raw, on the standard streams, a
 *         pre-opened directory, a regular file (all NOTSOCK: open, but not
 *         sockets), and on a closed descriptor (BADF).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"

#define SANDBOX 3
#define NOT_OPEN 99

/* Every sock_* function on `fd` answers `want`. */
static void raw_calls(__wasi_fd_t fd, __wasi_errno_t want) {
    __wasi_fd_t newfd = NOT_OPEN;
    uint8_t byte = 'x';
    __wasi_iovec_t iov = {&byte, 1};
    __wasi_ciovec_t ciov = {&byte, 1};
    __wasi_size_t n = 0;
    __wasi_roflags_t roflags = 0;
    CHECK_ERRNO(__wasi_sock_accept(fd, 0, &newfd), want);
    CHECK_ERRNO(__wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags), want);
    CHECK_ERRNO(__wasi_sock_send(fd, &ciov, 1, 0, &n), want);
    CHECK_ERRNO(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD), want);
    CHECK_ERRNO(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), want);
    CHECK(newfd == NOT_OPEN);
}

/* The libc calls on `fd` fail with errno `want`. */
static void libc_calls(int fd, int want) {
    char byte = 'x';
    errno = 0;
    CHECK(shutdown(fd, SHUT_RD) == -1 && errno == want);
    errno = 0;
    CHECK(shutdown(fd, SHUT_RDWR) == -1 && errno == want);
    errno = 0;
    CHECK(send(fd, &byte, 1, 0) == -1 && errno == want);
    errno = 0;
    CHECK(recv(fd, &byte, 1, 0) == -1 && errno == want);
}

int main(void) {
    /* Open descriptors that are not sockets: POSIX's ENOTSOCK. */
    for (int fd = 0; fd <= 2; fd++) {
        raw_calls(fd, __WASI_ERRNO_NOTSOCK);
        libc_calls(fd, ENOTSOCK);
    }
    raw_calls(SANDBOX, __WASI_ERRNO_NOTSOCK);
    libc_calls(SANDBOX, ENOTSOCK);
    int file = open("/sandbox/hello.txt", O_RDONLY);
    CHECK(file >= 0);
    raw_calls(file, __WASI_ERRNO_NOTSOCK);
    libc_calls(file, ENOTSOCK);

    /* Closed descriptors: EBADF, never NOTSOCK. */
    CHECK(close(file) == 0);
    raw_calls(file, __WASI_ERRNO_BADF);
    libc_calls(file, EBADF);
    raw_calls(NOT_OPEN, __WASI_ERRNO_BADF);
    libc_calls(NOT_OPEN, EBADF);
    return check_done();
}
