/* open_rights.c - which rights path_open looks at, in /sandbox (fd 3).
 *
 * Covers: path_open of "." with oflags DIRECTORY and reading or writing
 *         rights; truncation (oflags TRUNC) governed by the directory's
 *         path_filestat_set_size right, not by the new descriptor's rights;
 *         fd_fdstat_set_rights dropping base and inheriting rights.
 */
#include "check.h"

#define SANDBOX 3
#define NOT_OPEN 99

static __wasi_errno_t open_dot(__wasi_oflags_t oflags, __wasi_rights_t base,
                               __wasi_rights_t inheriting) {
    __wasi_fd_t fd = NOT_OPEN;
    __wasi_errno_t e = __wasi_path_open(SANDBOX, 0, ".", oflags, base, inheriting, 0, &fd);
    if (e == 0) {
        __wasi_fdstat_t st;
        CHECK_OK(__wasi_fd_fdstat_get(fd, &st));
        CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
        CHECK_OK(__wasi_fd_close(fd));
    } else {
        CHECK(fd == NOT_OPEN);
    }
    return e;
}

static void directory_rights(void) {
    __wasi_fdstat_t dir;
    CHECK_OK(__wasi_fd_fdstat_get(SANDBOX, &dir));
    /* "." with the rights it has, with none, and with DIRECTORY and none */
    CHECK_OK(open_dot(0, dir.fs_rights_base, dir.fs_rights_inheriting));
    CHECK_OK(open_dot(0, 0, 0));
    CHECK_OK(open_dot(__WASI_OFLAGS_DIRECTORY, 0, 0));
    /* DIRECTORY with the right to read succeeds (it does not apply to a
     * directory, so the descriptor may lack it) ... */
    CHECK_OK(open_dot(__WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0));
    /* ... and with the right to write fails with ISDIR, as open(2) fails
     * O_DIRECTORY | O_RDWR (wasmtime and WAMR answer the same). */
    CHECK_ERRNO(open_dot(__WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0),
                __WASI_ERRNO_ISDIR);
    CHECK_ERRNO(open_dot(__WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0),
                __WASI_ERRNO_ISDIR);
    /* The same for a sub-directory; DIRECTORY on a file is NOTDIR. */
    __wasi_fd_t fd = NOT_OPEN;
    CHECK_ERRNO(__wasi_path_open(SANDBOX, 0, "sub", __WASI_OFLAGS_DIRECTORY,
                                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
                __WASI_ERRNO_ISDIR);
    CHECK_ERRNO(__wasi_path_open(SANDBOX, 0, "hello.txt", __WASI_OFLAGS_DIRECTORY,
                                 __WASI_RIGHTS_FD_READ, 0, 0, &fd),
                __WASI_ERRNO_NOTDIR);
    CHECK(fd == NOT_OPEN);
}

static void put(__wasi_fd_t dir, const char *path, const char *text) {
    __wasi_fd_t fd = NOT_OPEN;
    CHECK_OK(__wasi_path_open(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                              __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n = 0;
    CHECK_OK(__wasi_fd_write(fd, &iov, 1, &n));
    CHECK(n == strlen(text));
    CHECK_OK(__wasi_fd_close(fd));
}

static __wasi_filesize_t size_of(__wasi_fd_t dir, const char *path) {
    __wasi_filestat_t st;
    st.size = ~0ull;
    CHECK_OK(__wasi_path_filestat_get(dir, 0, path, &st));
    return st.size;
}

/* path_open(dir, "file", TRUNC, rights 0, inheriting 0). */
static __wasi_errno_t truncate_file(__wasi_fd_t dir) {
    __wasi_fd_t fd = NOT_OPEN;
    __wasi_errno_t e = __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd);
    if (e == 0) CHECK_OK(__wasi_fd_close(fd));
    return e;
}

static void truncation_rights(void) {
    /* A directory of its own, whose rights this test drops. */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "trunc-rights"));
    __wasi_fd_t dir = NOT_OPEN;
    __wasi_fdstat_t sandbox;
    CHECK_OK(__wasi_fd_fdstat_get(SANDBOX, &sandbox));
    CHECK_OK(__wasi_path_open(SANDBOX, 0, "trunc-rights", __WASI_OFLAGS_DIRECTORY,
                              sandbox.fs_rights_base, sandbox.fs_rights_inheriting, 0, &dir));
    __wasi_fdstat_t st;
    CHECK_OK(__wasi_fd_fdstat_get(dir, &st));
    CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE) == 0);
    CHECK((st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE) != 0);
    CHECK((st.fs_rights_inheriting & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE) != 0);

    /* The directory's right suffices: the new descriptor asks for none. */
    put(dir, "file", "12345");
    CHECK_OK(truncate_file(dir));
    CHECK(size_of(dir, "file") == 0);
    /* ... and the descriptor got none: it may not write. */
    __wasi_fd_t fd = NOT_OPEN;
    CHECK_OK(__wasi_path_open(dir, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd));
    __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    __wasi_size_t n = 0;
    CHECK_ERRNO(__wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_fd_filestat_set_size(fd, 3), __WASI_ERRNO_NOTCAPABLE);
    CHECK_OK(__wasi_fd_close(fd));

    /* Without fd_filestat_set_size among the inheriting rights: still. */
    put(dir, "file", "12345");
    CHECK_OK(__wasi_fd_fdstat_set_rights(dir, st.fs_rights_base,
                                         st.fs_rights_inheriting &
                                             ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE));
    CHECK_OK(truncate_file(dir));
    CHECK(size_of(dir, "file") == 0);

    /* Without path_filestat_set_size on the directory: refused, and the
     * file is left as it was. The test suite accepts PERM or NOTCAPABLE. */
    put(dir, "file", "12345");
    CHECK_OK(__wasi_fd_fdstat_set_rights(
        dir, st.fs_rights_base & ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE,
        st.fs_rights_inheriting & ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE));
    CHECK_OK(__wasi_fd_fdstat_get(dir, &st));
    CHECK((st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE) == 0);
    __wasi_errno_t e =
        CHECK_ERRNO2(truncate_file(dir), __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_PERM);
    NOTE("path_open TRUNC without path_filestat_set_size -> %s", errno_name(e));
    CHECK(size_of(dir, "file") == 5);
    /* Opening without TRUNC still works. */
    CHECK_OK(__wasi_path_open(dir, 0, "file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));

    CHECK_OK(__wasi_path_unlink_file(dir, "file"));
    CHECK_OK(__wasi_fd_close(dir));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "trunc-rights"));
}

int main(void) {
    directory_rights();
    truncation_rights();
    return check_done();
}
