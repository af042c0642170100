/* escape.c - the sandbox: nothing outside a pre-opened directory is reachable.
 *
 * Everything goes through raw calls on fd 3 (/sandbox) and fd 4 (/other):
 * libc resolves absolute paths against the pre-opens itself, so only raw
 * calls show what the host allows.
 *
 * A refusal is accepted as NOTCAPABLE or PERM; each one prints a note saying
 * which came back. The harness checks afterwards that T/outside still holds
 * only secret.txt, unchanged.
 *
 * Covers: the sandboxing of path_open, path_filestat_get,
 *         path_filestat_set_times, path_create_directory, path_remove_directory,
 *         path_unlink_file, path_rename, path_link, path_symlink, path_readlink.
 */
#include "check.h"

#define SANDBOX 3
#define OTHER 4
#define NOT_OPEN 99
#define ALL_RIGHTS ((__wasi_rights_t)((1ull << 30) - 1))
#define DIR_RIGHTS                                                                      \
    (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET | \
     __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_PATH_READLINK)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define SEC 1000000000ull

#define REFUSED(what, call) refused_impl((call), what, __FILE__, __LINE__)

static void refused_impl(__wasi_errno_t e, const char *what, const char *file, int line) {
    check_count++;
    if (e != __WASI_ERRNO_NOTCAPABLE && e != __WASI_ERRNO_PERM) {
        check_failures++;
        fprintf(stderr, "FAIL %s:%d: %s: not refused, got errno %u (%s)\n", file, line, what, e,
                errno_name(e));
    }
    NOTE("refused %-44s -> %s", what, errno_name(e));
}

/* path_open; closes the fd again if the open (wrongly) succeeded. */
static __wasi_errno_t try_open(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path,
                               __wasi_oflags_t oflags) {
    __wasi_fd_t fd = NOT_OPEN;
    __wasi_errno_t e =
        __wasi_path_open(dir, lookup, path, oflags, ALL_RIGHTS, ALL_RIGHTS, 0, &fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    return e;
}

static __wasi_errno_t try_stat(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(dir, lookup, path, &st);
}

/* 1 if `path` under `dir` opens (following symlinks) and holds `text`. */
static int reads_as(__wasi_fd_t dir, const char *path, const char *text) {
    __wasi_fd_t fd = NOT_OPEN;
    if (__wasi_path_open(dir, FOLLOW, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd) != 0) return 0;
    char buf[64];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    return e == 0 && n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* 1 if the directory fd lists an entry called `name`. */
static int lists(__wasi_fd_t dir, const char *name) {
    static uint8_t buf[4096];
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(dir, buf, sizeof buf, 0, &used) != 0) return 0;
    for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, sizeof d);
        if (d.d_namlen == strlen(name) && off + sizeof d + d.d_namlen <= used &&
            memcmp(buf + off + sizeof d, name, d.d_namlen) == 0)
            return 1;
        off += sizeof d + d.d_namlen;
    }
    return 0;
}

static const char deep[] =
    "../../../../../../../../../../../../../../../../../../../../../../../../../../../../"
    "../../../../../../../../../../../../../../../../../../../../../../../../../../../../"
    "etc/passwd";

int main(void) {
    __wasi_errno_t e;
    __wasi_size_t n;
    char buf[64];

    /* ---- plain paths out of the sandbox ---- */
    REFUSED("open ../outside/secret.txt", try_open(SANDBOX, FOLLOW, "../outside/secret.txt", 0));
    REFUSED("open ../outside/secret.txt (nofollow)",
            try_open(SANDBOX, 0, "../outside/secret.txt", 0));
    REFUSED("open /etc/passwd", try_open(SANDBOX, FOLLOW, "/etc/passwd", 0));
    REFUSED("open /sandbox/hello.txt", try_open(SANDBOX, FOLLOW, "/sandbox/hello.txt", 0));
    REFUSED("open sub/../../outside/secret.txt",
            try_open(SANDBOX, FOLLOW, "sub/../../outside/secret.txt", 0));
    REFUSED("open ../../../(x56)etc/passwd", try_open(SANDBOX, FOLLOW, deep, 0));
    REFUSED("open ..", try_open(SANDBOX, FOLLOW, "..", __WASI_OFLAGS_DIRECTORY));
    REFUSED("open ../sandbox/hello.txt", try_open(SANDBOX, FOLLOW, "../sandbox/hello.txt", 0));
    REFUSED("open CREAT ../outside/new.txt",
            try_open(SANDBOX, FOLLOW, "../outside/new.txt", __WASI_OFLAGS_CREAT));
    REFUSED("open fd4 ../sandbox/hello.txt", try_open(OTHER, FOLLOW, "../sandbox/hello.txt", 0));
    REFUSED("open fd4 ../outside/secret.txt", try_open(OTHER, FOLLOW, "../outside/secret.txt", 0));

    /* ---- every other path call ---- */
    REFUSED("filestat_get ../outside/secret.txt", try_stat(SANDBOX, 0, "../outside/secret.txt"));
    REFUSED("filestat_get ../outside", try_stat(SANDBOX, FOLLOW, "../outside"));
    REFUSED("filestat_set_times ../outside/secret.txt",
            __wasi_path_filestat_set_times(SANDBOX, 0, "../outside/secret.txt", SEC, SEC,
                                           __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    REFUSED("create_directory ../outside/newdir",
            __wasi_path_create_directory(SANDBOX, "../outside/newdir"));
    REFUSED("rename hello.txt -> ../outside/stolen.txt",
            __wasi_path_rename(SANDBOX, "hello.txt", SANDBOX, "../outside/stolen.txt"));
    REFUSED("rename ../outside/secret.txt -> pulled.txt",
            __wasi_path_rename(SANDBOX, "../outside/secret.txt", SANDBOX, "pulled.txt"));
    REFUSED("rename fd4 ../outside/secret.txt -> x",
            __wasi_path_rename(OTHER, "../outside/secret.txt", OTHER, "x"));
    REFUSED("link hello.txt -> ../outside/linked.txt",
            __wasi_path_link(SANDBOX, 0, "hello.txt", SANDBOX, "../outside/linked.txt"));
    REFUSED("link ../outside/secret.txt -> pulled.txt",
            __wasi_path_link(SANDBOX, 0, "../outside/secret.txt", SANDBOX, "pulled.txt"));
    REFUSED("unlink_file ../outside/secret.txt",
            __wasi_path_unlink_file(SANDBOX, "../outside/secret.txt"));
    REFUSED("remove_directory ../outside", __wasi_path_remove_directory(SANDBOX, "../outside"));
    REFUSED("readlink ../outside/x",
            __wasi_path_readlink(SANDBOX, "../outside/x", (uint8_t *)buf, sizeof buf, &n));
    REFUSED("symlink at ../outside/evil-link",
            __wasi_path_symlink("secret.txt", SANDBOX, "../outside/evil-link"));
    CHECK(reads_as(SANDBOX, "hello.txt", "hello, world\n"));
    CHECK_ERRNO(try_stat(SANDBOX, 0, "pulled.txt"), __WASI_ERRNO_NOENT);

    /* ---- symlinks pointing out ----
     * Making the link only stores text inside the sandbox, so a host may allow
     * it; following it must be refused. A host may also refuse to create it. */
    e = __wasi_path_symlink("../outside/secret.txt", SANDBOX, "link-out");
    CHECK(e == 0 || e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_PERM);
    NOTE("symlink link-out -> ../outside/secret.txt: %s", e ? errno_name(e) : "created");
    if (e == 0) {
        REFUSED("open link-out", try_open(SANDBOX, FOLLOW, "link-out", 0));
        REFUSED("open CREAT link-out", try_open(SANDBOX, FOLLOW, "link-out", __WASI_OFLAGS_CREAT));
        REFUSED("open CREAT|TRUNC link-out",
                try_open(SANDBOX, FOLLOW, "link-out", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC));
        REFUSED("filestat_get FOLLOW link-out", try_stat(SANDBOX, FOLLOW, "link-out"));
        REFUSED("filestat_set_times FOLLOW link-out",
                __wasi_path_filestat_set_times(SANDBOX, FOLLOW, "link-out", SEC, SEC,
                                               __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
        REFUSED("link FOLLOW link-out -> hard-out",
                __wasi_path_link(SANDBOX, FOLLOW, "link-out", SANDBOX, "hard-out"));
        CHECK_ERRNO(try_stat(SANDBOX, 0, "hard-out"), __WASI_ERRNO_NOENT);
        /* the link itself is inside: it can be inspected and read as text */
        __wasi_filestat_t st;
        CHECK_OK(__wasi_path_filestat_get(SANDBOX, 0, "link-out", &st));
        CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
        memset(buf, 0, sizeof buf);
        CHECK_OK(__wasi_path_readlink(SANDBOX, "link-out", (uint8_t *)buf, sizeof buf, &n));
        CHECK(n == 21 && memcmp(buf, "../outside/secret.txt", 21) == 0);
        /* and removed */
        CHECK_OK(__wasi_path_unlink_file(SANDBOX, "link-out"));
    }
    /* a dangling link out, then CREAT through it */
    e = __wasi_path_symlink("../outside/created.txt", SANDBOX, "link-new");
    CHECK(e == 0 || e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_PERM);
    if (e == 0)
        REFUSED("open CREAT link-new (dangling)",
                try_open(SANDBOX, FOLLOW, "link-new", __WASI_OFLAGS_CREAT));
    /* a link to an absolute host path */
    e = __wasi_path_symlink("/etc/passwd", SANDBOX, "link-abs");
    CHECK(e == 0 || e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_PERM);
    NOTE("symlink link-abs -> /etc/passwd: %s", e ? errno_name(e) : "created");
    if (e == 0) {
        REFUSED("open link-abs", try_open(SANDBOX, FOLLOW, "link-abs", 0));
        REFUSED("filestat_get FOLLOW link-abs", try_stat(SANDBOX, FOLLOW, "link-abs"));
    }
    e = __wasi_path_symlink("/", SANDBOX, "link-root");
    CHECK(e == 0 || e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_PERM);
    if (e == 0) REFUSED("open link-root/etc/passwd", try_open(SANDBOX, FOLLOW, "link-root/etc/passwd", 0));
    e = __wasi_path_symlink("..", SANDBOX, "link-up");
    CHECK(e == 0 || e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_PERM);
    if (e == 0) {
        REFUSED("open link-up/outside/secret.txt",
                try_open(SANDBOX, FOLLOW, "link-up/outside/secret.txt", 0));
        REFUSED("create_directory link-up/outside/d",
                __wasi_path_create_directory(SANDBOX, "link-up/outside/d"));
        REFUSED("unlink_file link-up/outside/secret.txt",
                __wasi_path_unlink_file(SANDBOX, "link-up/outside/secret.txt"));
    }

    /* ---- ".." that stays inside is fine ---- */
    __wasi_fd_t dir = NOT_OPEN;
    CHECK_OK(__wasi_path_open(SANDBOX, FOLLOW, "sub/..", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS,
                              DIR_RIGHTS, 0, &dir));
    CHECK(lists(dir, "hello.txt"));
    CHECK(lists(dir, "sub"));
    CHECK_OK(__wasi_fd_close(dir));
    CHECK(reads_as(SANDBOX, "sub/../hello.txt", "hello, world\n"));
    CHECK(reads_as(SANDBOX, "./sub/./a.txt", "a"));
    CHECK(reads_as(SANDBOX, "sub/../sub/../hello.txt", "hello, world\n"));

    /* ---- symlinks that stay inside are fine ---- */
    CHECK_OK(__wasi_path_symlink("hello.txt", SANDBOX, "link-in"));
    CHECK(reads_as(SANDBOX, "link-in", "hello, world\n"));
    CHECK_OK(__wasi_path_symlink("../hello.txt", SANDBOX, "sub/up"));
    CHECK(reads_as(SANDBOX, "sub/up", "hello, world\n"));
    CHECK_OK(__wasi_path_symlink("sub", SANDBOX, "link-sub"));
    CHECK(reads_as(SANDBOX, "link-sub/a.txt", "a"));
    CHECK(reads_as(SANDBOX, "link-sub/up", "hello, world\n"));

    /* ---- a sub-directory fd is a capability for that sub-tree only ----
     * Relative to fd `sub`, "../hello.txt" leaves the directory the fd grants,
     * even though it is still inside /sandbox. */
    CHECK_OK(__wasi_path_open(SANDBOX, FOLLOW, "sub", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS,
                              ALL_RIGHTS, 0, &dir));
    CHECK(reads_as(dir, "a.txt", "a"));
    REFUSED("open (fd sub) ../hello.txt", try_open(dir, FOLLOW, "../hello.txt", 0));
    REFUSED("open (fd sub) up -> ../hello.txt", try_open(dir, FOLLOW, "up", 0));
    REFUSED("open (fd sub) ..", try_open(dir, FOLLOW, "..", __WASI_OFLAGS_DIRECTORY));
    CHECK_OK(__wasi_fd_close(dir));

    /* ---- nothing was damaged ---- */
    CHECK(reads_as(SANDBOX, "hello.txt", "hello, world\n"));
    CHECK(reads_as(SANDBOX, "sub/a.txt", "a"));
    return check_done();
}
