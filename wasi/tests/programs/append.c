/* append.c - a file opened through wasi-libc with O_APPEND, O_TRUNC among
 * its flags, in /sandbox (fd 3).
 *
 * Covers: open(O_CREAT | O_TRUNC | O_WRONLY | O_APPEND) (path_open with
 *         oflags CREAT|TRUNC and fdflags APPEND), write/lseek/pwrite on it
 *         (fd_write, fd_seek, fd_tell, fd_pwrite), O_APPEND without O_TRUNC.
 */
#include <fcntl.h>
#include <unistd.h>
#include "check.h"

/* The whole file at `path`, NUL-terminated, in `buf`; its length or -1. */
static int contents(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return (int)n;
}

static void put(const char *path, const char *text) {
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(close(fd) == 0);
}

int main(void) {
    char buf[64];
    const char *path = "/sandbox/append.txt";
    put(path, "old contents");

    /* O_TRUNC and O_APPEND together: emptied, then opened to append. */
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
    CHECK(fd >= 0);
    CHECK(contents(path, buf, sizeof buf) == 0); /* truncated */
    __wasi_fdstat_t st;
    CHECK_OK(__wasi_fd_fdstat_get(fd, &st));
    CHECK(st.fs_flags == __WASI_FDFLAGS_APPEND);
    CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);

    /* Writes land at the end, wherever the offset was put. */
    CHECK(write(fd, "ab", 2) == 2);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "cd", 2) == 2);
    CHECK(lseek(fd, 0, SEEK_CUR) == 4);
    CHECK(contents(path, buf, sizeof buf) == 4 && strcmp(buf, "abcd") == 0);

    /* pwrite succeeds and leaves the offset alone. POSIX writes at the
     * offset (the file ends at 4 bytes); Linux, wasmtime and WAMR write at
     * the end of an O_APPEND file (7 bytes). Both are accepted. */
    CHECK(pwrite(fd, "xyz", 3, 0) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 4);
    __wasi_filesize_t pos = 99;
    CHECK_OK(__wasi_fd_tell(fd, &pos));
    CHECK(pos == 4);
    off_t end = lseek(fd, 0, SEEK_END);
    CHECK(end == 4 || end == 7);
    NOTE("pwrite at 0 on an O_APPEND file -> the file has %d bytes", (int)end);
    int n = contents(path, buf, sizeof buf);
    CHECK((n == 7 && strcmp(buf, "abcdxyz") == 0) || (n == 4 && strcmp(buf, "xyzd") == 0));
    CHECK(close(fd) == 0);

    /* O_APPEND without O_TRUNC keeps what is there. */
    put(path, "123");
    fd = open(path, O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(write(fd, "45", 2) == 2);
    CHECK(close(fd) == 0);
    CHECK(contents(path, buf, sizeof buf) == 5 && strcmp(buf, "12345") == 0);

    CHECK(unlink(path) == 0);
    return check_done();
}
