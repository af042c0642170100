/* dirs.c - directories and path operations in /sandbox (fd 3) and /other (fd 4).
 *
 * Covers: path_create_directory, path_remove_directory, fd_readdir (cookies,
 *         small buffers), path_unlink_file, path_rename, path_link,
 *         path_symlink, path_readlink, path_filestat_get,
 *         path_filestat_set_times, path_open (oflags, fdflags, sub-directory
 *         fds as the base), every path_* function on a closed fd;
 *         libc opendir/readdir/mkdir/stat.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define SANDBOX 3
#define OTHER 4
#define NOT_OPEN 99
#define ALL_RIGHTS ((__wasi_rights_t)((1ull << 30) - 1))
/* The rights that apply to a directory (what wasi-libc asks for). */
#define DIR_RIGHTS                                                                        \
    (__WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_ADVISE |  \
     __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE |                \
     __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET |                     \
     __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_READLINK |    \
     __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_RENAME_TARGET |                 \
     __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE |              \
     __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_FILESTAT_GET |               \
     __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_PATH_SYMLINK |                    \
     __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY |                \
     __WASI_RIGHTS_POLL_FD_READWRITE)
/* The rights that make a descriptor write (refused on a directory). */
#define WRITING                                                                           \
    (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define SEC 1000000000ull

static __wasi_errno_t open_raw(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                               __wasi_fdflags_t fdflags, __wasi_fd_t *fd) {
    *fd = NOT_OPEN;
    return __wasi_path_open(dir, FOLLOW, path, oflags, ALL_RIGHTS, ALL_RIGHTS, fdflags, fd);
}

static __wasi_errno_t open_dir(__wasi_fd_t dir, const char *path, __wasi_fd_t *fd) {
    *fd = NOT_OPEN;
    return __wasi_path_open(dir, FOLLOW, path, __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS,
                            0, fd);
}

static __wasi_fd_t open_ok(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags) {
    __wasi_fd_t fd;
    CHECK_OK(open_raw(dir, path, oflags, 0, &fd));
    return fd;
}

/* Create (or replace) a file holding `text`. */
static void put_file(__wasi_fd_t dir, const char *path, const char *text) {
    __wasi_fd_t fd = open_ok(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC);
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n = 0;
    CHECK_OK(__wasi_fd_write(fd, &iov, 1, &n));
    CHECK(n == strlen(text));
    CHECK_OK(__wasi_fd_close(fd));
}

/* 1 if the file at `path` holds exactly `text`. */
static int file_is(__wasi_fd_t dir, const char *path, const char *text) {
    __wasi_fd_t fd;
    if (open_raw(dir, path, 0, 0, &fd) != 0) return 0;
    char buf[128];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_pread(fd, &iov, 1, 0, &n);
    (void)__wasi_fd_close(fd);
    return e == 0 && n == strlen(text) && memcmp(buf, text, n) == 0;
}

static __wasi_filestat_t stat_of(__wasi_fd_t dir, __wasi_lookupflags_t flags, const char *path) {
    __wasi_filestat_t st;
    memset(&st, 0xff, sizeof st);
    CHECK_OK(__wasi_path_filestat_get(dir, flags, path, &st));
    return st;
}

static __wasi_errno_t stat_errno(__wasi_fd_t dir, const char *path) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(dir, 0, path, &st);
}

/* ---------------- fd_readdir ---------------- */

#define MAX_ENTRIES 64
struct entry {
    char name[32];
    uint8_t type;
    __wasi_inode_t ino;
    __wasi_dircookie_t next;
};
static struct entry entries[MAX_ENTRIES];

struct readdir_result {
    int count;      /* entries collected */
    int errors;     /* failed calls */
    int bad;        /* malformed entries, too many, or no progress */
    int calls;      /* fd_readdir calls made */
};

/* Read the whole directory with a buf_len-byte buffer, starting at `cookie`
 * and resuming each time from the d_next of the last complete entry. */
static struct readdir_result read_dir(__wasi_fd_t fd, size_t buf_len, __wasi_dircookie_t cookie) {
    static uint8_t buf[4096];
    struct readdir_result r = {0, 0, 0, 0};
    for (;;) {
        if (++r.calls > 500) { r.bad++; break; }
        __wasi_size_t used = 0;
        if (__wasi_fd_readdir(fd, buf, buf_len, cookie, &used) != 0) { r.errors++; break; }
        if (used > buf_len) { r.bad++; break; }
        size_t off = 0;
        int complete = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            if (off + sizeof d + d.d_namlen > used) break; /* truncated last entry */
            const char *name = (const char *)buf + off + sizeof d;
            if (d.d_namlen == 0 || d.d_namlen >= 32 || memchr(name, 0, d.d_namlen) ||
                r.count >= MAX_ENTRIES) {
                r.bad++;
                return r;
            }
            struct entry *e = &entries[r.count++];
            memcpy(e->name, name, d.d_namlen);
            e->name[d.d_namlen] = 0;
            e->type = d.d_type;
            e->ino = d.d_ino;
            e->next = d.d_next;
            cookie = d.d_next;
            off += sizeof d + d.d_namlen;
            complete++;
        }
        if (used < buf_len) break; /* "end of the directory has been reached" */
        if (complete == 0) { r.bad++; break; }
    }
    return r;
}

static int find_entry(int count, const char *name) {
    int found = -1;
    for (int i = 0; i < count; i++)
        if (strcmp(entries[i].name, name) == 0) {
            if (found >= 0) return -2; /* seen twice */
            found = i;
        }
    return found;
}

static void readdir_checks(void) {
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "many"));
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "many/file-%02d", i);
        put_file(SANDBOX, name, "x");
    }
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "many/subdir"));
    __wasi_fd_t dir;
    CHECK_OK(open_dir(SANDBOX, "many", &dir));

    /* small buffer: 64 bytes holds one or two entries per call */
    struct readdir_result r = read_dir(dir, 64, __WASI_DIRCOOKIE_START);
    CHECK(r.errors == 0 && r.bad == 0);
    CHECK(r.count == 43); /* ".", "..", 40 files, "subdir" */
    CHECK(r.calls > 15);
    int missing = 0, wrong_type = 0;
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "file-%02d", i);
        int k = find_entry(r.count, name);
        if (k < 0) missing++;
        else if (entries[k].type != __WASI_FILETYPE_REGULAR_FILE) wrong_type++;
    }
    CHECK(missing == 0);
    CHECK(wrong_type == 0);
    int k = find_entry(r.count, "subdir");
    CHECK(k >= 0 && entries[k].type == __WASI_FILETYPE_DIRECTORY);
    k = find_entry(r.count, ".");
    CHECK(k >= 0 && entries[k].type == __WASI_FILETYPE_DIRECTORY);
    k = find_entry(r.count, "..");
    CHECK(k >= 0 && entries[k].type == __WASI_FILETYPE_DIRECTORY);
    /* d_ino is the file's serial number */
    k = find_entry(r.count, "file-07");
    __wasi_filestat_t st = stat_of(SANDBOX, 0, "many/file-07");
    CHECK(k >= 0 && entries[k].ino == st.ino);

    /* large buffer: everything in one call, same 43 names */
    r = read_dir(dir, 4096, __WASI_DIRCOOKIE_START);
    CHECK(r.errors == 0 && r.bad == 0 && r.calls == 1);
    CHECK(r.count == 43);
    char tenth[32], eleventh[32];
    __wasi_dircookie_t cookie10 = entries[9].next;
    strcpy(tenth, entries[9].name);
    strcpy(eleventh, entries[10].name);
    /* resuming at the 10th entry's d_next gives the 11th entry onwards */
    r = read_dir(dir, 4096, cookie10);
    CHECK(r.errors == 0 && r.bad == 0);
    CHECK(r.count == 33);
    CHECK(strcmp(entries[0].name, eleventh) == 0);
    CHECK(find_entry(r.count, tenth) == -1);
    /* a cookie at the end gives nothing */
    r = read_dir(dir, 4096, entries[r.count - 1].next);
    CHECK(r.errors == 0 && r.count == 0);
    CHECK_OK(__wasi_fd_close(dir));

    /* the pre-opened directory itself */
    r = read_dir(SANDBOX, 4096, __WASI_DIRCOOKIE_START);
    CHECK(r.errors == 0 && r.bad == 0);
    k = find_entry(r.count, "hello.txt");
    CHECK(k >= 0 && entries[k].type == __WASI_FILETYPE_REGULAR_FILE);
    k = find_entry(r.count, "sub");
    CHECK(k >= 0 && entries[k].type == __WASI_FILETYPE_DIRECTORY);

    /* fd_readdir on a regular file: the spec does not say; NOTDIR (as POSIX
     * getdents) and BADF are both reasonable. */
    __wasi_fd_t file = open_ok(SANDBOX, "hello.txt", 0);
    uint8_t buf[64];
    __wasi_size_t used;
    __wasi_errno_t e = CHECK_ERRNO2(__wasi_fd_readdir(file, buf, sizeof buf, 0, &used),
                                    __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF);
    NOTE("fd_readdir on a regular file -> %s", errno_name(e));
    CHECK_OK(__wasi_fd_close(file));

    /* libc opendir/readdir sees the same entries */
    DIR *d = opendir("/sandbox/many");
    CHECK(d != NULL);
    if (d) {
        int count = 0, files = 0, dirs = 0;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            count++;
            if (strncmp(de->d_name, "file-", 5) == 0 && de->d_type == DT_REG) files++;
            if (de->d_type == DT_DIR) dirs++;
        }
        CHECK(count == 43);
        CHECK(files == 40);
        CHECK(dirs == 3);
        CHECK(closedir(d) == 0);
    }
}

/* ---------------- create / remove / unlink ---------------- */

static void create_remove_checks(void) {
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "d1"));
    CHECK(stat_of(SANDBOX, 0, "d1").filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK_ERRNO(__wasi_path_create_directory(SANDBOX, "d1"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_create_directory(SANDBOX, "hello.txt"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_create_directory(SANDBOX, "nope/child"), __WASI_ERRNO_NOENT);
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "d1/d2"));

    /* "Return errno::notempty if the directory is not empty." */
    CHECK_ERRNO(__wasi_path_remove_directory(SANDBOX, "d1"), __WASI_ERRNO_NOTEMPTY);
    CHECK_ERRNO(__wasi_path_remove_directory(SANDBOX, "hello.txt"), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(__wasi_path_remove_directory(SANDBOX, "nope"), __WASI_ERRNO_NOENT);
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "d1/d2"));
    CHECK_OK(__wasi_path_remove_directory(SANDBOX, "d1"));
    CHECK_ERRNO(stat_errno(SANDBOX, "d1"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_remove_directory(SANDBOX, "d1"), __WASI_ERRNO_NOENT);

    put_file(SANDBOX, "u.txt", "unlink me");
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "u.txt"));
    CHECK_ERRNO(stat_errno(SANDBOX, "u.txt"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_unlink_file(SANDBOX, "u.txt"), __WASI_ERRNO_NOENT);
    /* "Return errno::isdir if the path refers to a directory." (spec; POSIX
     * unlink would also allow PERM, the spec does not) */
    CHECK_ERRNO(__wasi_path_unlink_file(SANDBOX, "sub"), __WASI_ERRNO_ISDIR);
    CHECK(stat_of(SANDBOX, 0, "sub").filetype == __WASI_FILETYPE_DIRECTORY);

    /* libc mkdir / stat / rmdir */
    CHECK(mkdir("/sandbox/libc-dir", 0755) == 0);
    struct stat sb;
    CHECK(stat("/sandbox/libc-dir", &sb) == 0 && S_ISDIR(sb.st_mode));
    CHECK(rmdir("/sandbox/libc-dir") == 0);
    CHECK(stat("/sandbox/libc-dir", &sb) == -1);
}

/* ---------------- rename ---------------- */

static void rename_checks(void) {
    /* file */
    put_file(SANDBOX, "r1.txt", "r1");
    CHECK_OK(__wasi_path_rename(SANDBOX, "r1.txt", SANDBOX, "r2.txt"));
    CHECK_ERRNO(stat_errno(SANDBOX, "r1.txt"), __WASI_ERRNO_NOENT);
    CHECK(file_is(SANDBOX, "r2.txt", "r1"));
    /* directory, with its contents */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "rd1"));
    put_file(SANDBOX, "rd1/inner.txt", "inner");
    CHECK_OK(__wasi_path_rename(SANDBOX, "rd1", SANDBOX, "rd2"));
    CHECK_ERRNO(stat_errno(SANDBOX, "rd1"), __WASI_ERRNO_NOENT);
    CHECK(file_is(SANDBOX, "rd2/inner.txt", "inner"));
    /* onto an existing file: replaces it */
    put_file(SANDBOX, "src.txt", "new");
    put_file(SANDBOX, "dst.txt", "old");
    CHECK_OK(__wasi_path_rename(SANDBOX, "src.txt", SANDBOX, "dst.txt"));
    CHECK(file_is(SANDBOX, "dst.txt", "new"));
    CHECK_ERRNO(stat_errno(SANDBOX, "src.txt"), __WASI_ERRNO_NOENT);
    /* from /sandbox to /other */
    put_file(SANDBOX, "x.txt", "cross");
    CHECK_OK(__wasi_path_rename(SANDBOX, "x.txt", OTHER, "x-moved.txt"));
    CHECK_ERRNO(stat_errno(SANDBOX, "x.txt"), __WASI_ERRNO_NOENT);
    CHECK(file_is(OTHER, "x-moved.txt", "cross"));
    /* into a sub-directory */
    CHECK_OK(__wasi_path_rename(SANDBOX, "r2.txt", SANDBOX, "sub/r3.txt"));
    CHECK(file_is(SANDBOX, "sub/r3.txt", "r1"));
    /* errors (as renameat in POSIX) */
    CHECK_ERRNO(__wasi_path_rename(SANDBOX, "nope", SANDBOX, "nope2"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_rename(SANDBOX, "dst.txt", SANDBOX, "rd2"), __WASI_ERRNO_ISDIR);
    CHECK_ERRNO(__wasi_path_rename(SANDBOX, "rd2", SANDBOX, "dst.txt"), __WASI_ERRNO_NOTDIR);
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "rd3"));
    put_file(SANDBOX, "rd3/keep.txt", "keep");
    /* POSIX allows EEXIST or ENOTEMPTY for a non-empty target directory */
    CHECK_ERRNO2(__wasi_path_rename(SANDBOX, "rd2", SANDBOX, "rd3"), __WASI_ERRNO_NOTEMPTY,
                 __WASI_ERRNO_EXIST);
    CHECK(file_is(SANDBOX, "rd3/keep.txt", "keep"));
    /* onto an empty directory: replaces it */
    CHECK_OK(__wasi_path_create_directory(SANDBOX, "rd4"));
    CHECK_OK(__wasi_path_rename(SANDBOX, "rd2", SANDBOX, "rd4"));
    CHECK(file_is(SANDBOX, "rd4/inner.txt", "inner"));
}

/* ---------------- link, symlink, readlink, filestat ---------------- */

static void link_checks(void) {
    put_file(SANDBOX, "l1.txt", "link");
    CHECK(stat_of(SANDBOX, 0, "l1.txt").nlink == 1);
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "l1.txt", SANDBOX, "l2.txt"));
    __wasi_filestat_t s1 = stat_of(SANDBOX, 0, "l1.txt"), s2 = stat_of(SANDBOX, 0, "l2.txt");
    CHECK(s1.nlink == 2 && s2.nlink == 2);
    CHECK(s1.ino == s2.ino && s1.dev == s2.dev);
    put_file(SANDBOX, "l2.txt", "changed"); /* same file through both names */
    CHECK(file_is(SANDBOX, "l1.txt", "changed"));
    CHECK_ERRNO(__wasi_path_link(SANDBOX, 0, "l1.txt", SANDBOX, "hello.txt"), __WASI_ERRNO_EXIST);
    CHECK_ERRNO(__wasi_path_link(SANDBOX, 0, "nope", SANDBOX, "l9.txt"), __WASI_ERRNO_NOENT);
    /* a hard link to a directory is not allowed (POSIX: EPERM) */
    CHECK_ERRNO(__wasi_path_link(SANDBOX, 0, "sub", SANDBOX, "sub-link"), __WASI_ERRNO_PERM);
    /* across the two pre-opens (same file system in the fixture) */
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "l1.txt", OTHER, "l3.txt"));
    CHECK(file_is(OTHER, "l3.txt", "changed"));
    CHECK(stat_of(SANDBOX, 0, "l1.txt").nlink == 3);
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "l2.txt"));
    CHECK(stat_of(SANDBOX, 0, "l1.txt").nlink == 2);

    /* symlink + readlink */
    CHECK_OK(__wasi_path_symlink("hello.txt", SANDBOX, "sym"));
    char buf[64];
    __wasi_size_t used = 0;
    memset(buf, 0, sizeof buf);
    CHECK_OK(__wasi_path_readlink(SANDBOX, "sym", (uint8_t *)buf, sizeof buf, &used));
    CHECK(used == 9 && memcmp(buf, "hello.txt", 9) == 0);
    /* a small buffer truncates; bufused is the buffer length */
    memset(buf, 0, sizeof buf);
    CHECK_OK(__wasi_path_readlink(SANDBOX, "sym", (uint8_t *)buf, 4, &used));
    CHECK(used == 4 && memcmp(buf, "hell", 4) == 0 && buf[4] == 0);
    /* readlink of something that is not a symlink (POSIX: EINVAL) */
    CHECK_ERRNO(__wasi_path_readlink(SANDBOX, "hello.txt", (uint8_t *)buf, sizeof buf, &used),
                __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_path_readlink(SANDBOX, "nope", (uint8_t *)buf, sizeof buf, &used),
                __WASI_ERRNO_NOENT);
    CHECK_ERRNO(__wasi_path_symlink("x", SANDBOX, "hello.txt"), __WASI_ERRNO_EXIST);

    /* path_filestat_get with and without SYMLINK_FOLLOW */
    __wasi_filestat_t st = stat_of(SANDBOX, 0, "sym");
    CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK(st.size == 9);
    st = stat_of(SANDBOX, FOLLOW, "sym");
    CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK(st.size == 13);
    CHECK(st.nlink == 1);
    st = stat_of(SANDBOX, 0, "sub");
    CHECK(st.filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK(file_is(SANDBOX, "sym", "hello, world\n")); /* open follows */

    /* path_open without SYMLINK_FOLLOW on a symlink: like O_NOFOLLOW, LOOP */
    __wasi_fd_t fd;
    CHECK_ERRNO(__wasi_path_open(SANDBOX, 0, "sym", 0, ALL_RIGHTS, ALL_RIGHTS, 0, &fd),
                __WASI_ERRNO_LOOP);

    /* a dangling symlink can be made and stat'ed, not opened */
    CHECK_OK(__wasi_path_symlink("missing.txt", SANDBOX, "dangle"));
    CHECK(stat_of(SANDBOX, 0, "dangle").filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_ERRNO(open_raw(SANDBOX, "dangle", 0, 0, &fd), __WASI_ERRNO_NOENT);
    /* a symlink loop */
    CHECK_OK(__wasi_path_symlink("loop2", SANDBOX, "loop1"));
    CHECK_OK(__wasi_path_symlink("loop1", SANDBOX, "loop2"));
    CHECK_ERRNO(open_raw(SANDBOX, "loop1", 0, 0, &fd), __WASI_ERRNO_LOOP);
    /* unlinking a symlink removes the link, not its target */
    CHECK_OK(__wasi_path_unlink_file(SANDBOX, "sym"));
    CHECK_ERRNO(stat_errno(SANDBOX, "sym"), __WASI_ERRNO_NOENT);
    CHECK(file_is(SANDBOX, "hello.txt", "hello, world\n"));
    /* path_link with SYMLINK_FOLLOW links the symlink's target (linkat with
     * AT_SYMLINK_FOLLOW); without it, the symlink itself */
    CHECK_OK(__wasi_path_symlink("l1.txt", SANDBOX, "l1-sym"));
    CHECK_OK(__wasi_path_link(SANDBOX, FOLLOW, "l1-sym", SANDBOX, "l4.txt"));
    CHECK(stat_of(SANDBOX, 0, "l4.txt").filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK(stat_of(SANDBOX, 0, "l4.txt").ino == stat_of(SANDBOX, 0, "l1.txt").ino);
    CHECK_OK(__wasi_path_link(SANDBOX, 0, "l1-sym", SANDBOX, "l5-sym"));
    CHECK(stat_of(SANDBOX, 0, "l5-sym").filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    /* a symlink to a directory, used as a path component */
    CHECK_OK(__wasi_path_symlink("sub", SANDBOX, "sublink"));
    CHECK(file_is(SANDBOX, "sublink/a.txt", "a"));

    /* path_filestat_set_times */
    const __wasi_timestamp_t atim = 1000000000ull * SEC, mtim = 1234567890ull * SEC;
    put_file(SANDBOX, "times.txt", "t");
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, FOLLOW, "times.txt", atim, mtim,
                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    st = stat_of(SANDBOX, 0, "times.txt");
    CHECK(st.atim == atim && st.mtim == mtim);
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, FOLLOW, "times.txt", 0, 0,
                                            __WASI_FSTFLAGS_MTIM_NOW));
    __wasi_timestamp_t now = 0;
    CHECK_OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
    st = stat_of(SANDBOX, 0, "times.txt");
    CHECK(st.atim == atim);
    CHECK(st.mtim + 5 * SEC > now && st.mtim < now + 5 * SEC);
    CHECK_ERRNO(__wasi_path_filestat_set_times(SANDBOX, FOLLOW, "times.txt", atim, 0,
                                               __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
                __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_path_filestat_set_times(SANDBOX, FOLLOW, "nope", atim, mtim,
                                               __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
                __WASI_ERRNO_NOENT);
    /* through a symlink with FOLLOW: the target changes */
    CHECK_OK(__wasi_path_symlink("times.txt", SANDBOX, "times-link"));
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, FOLLOW, "times-link", atim, mtim,
                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    st = stat_of(SANDBOX, 0, "times.txt");
    CHECK(st.mtim == mtim);
    /* a directory's times */
    CHECK_OK(__wasi_path_filestat_set_times(SANDBOX, 0, "sub", atim, mtim,
                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    st = stat_of(SANDBOX, 0, "sub");
    CHECK(st.atim == atim && st.mtim == mtim);
}

/* ---------------- path_open ---------------- */

static void open_checks(void) {
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    /* CREAT makes an empty file */
    CHECK_OK(open_raw(SANDBOX, "new.txt", __WASI_OFLAGS_CREAT, 0, &fd));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 0 && st.filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK_OK(__wasi_fd_close(fd));
    /* CREAT on an existing file opens it unchanged */
    CHECK_OK(open_raw(SANDBOX, "hello.txt", __WASI_OFLAGS_CREAT, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK(stat_of(SANDBOX, 0, "hello.txt").size == 13);
    /* CREAT|EXCL on an existing file */
    CHECK_ERRNO(open_raw(SANDBOX, "hello.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd),
                __WASI_ERRNO_EXIST);
    CHECK_OK(open_raw(SANDBOX, "excl.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd));
    CHECK_OK(__wasi_fd_close(fd));
    /* TRUNC */
    put_file(SANDBOX, "trunc.txt", "some bytes");
    CHECK_OK(open_raw(SANDBOX, "trunc.txt", __WASI_OFLAGS_TRUNC, 0, &fd));
    CHECK_OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 0);
    CHECK_OK(__wasi_fd_close(fd));
    /* DIRECTORY on a file; a missing file without CREAT; trailing slash on a file */
    CHECK_ERRNO(open_raw(SANDBOX, "hello.txt", __WASI_OFLAGS_DIRECTORY, 0, &fd),
                __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(open_raw(SANDBOX, "missing.txt", 0, 0, &fd), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(stat_errno(SANDBOX, "missing.txt"), __WASI_ERRNO_NOENT);
    CHECK_ERRNO(open_raw(SANDBOX, "hello.txt/", 0, 0, &fd), __WASI_ERRNO_NOTDIR);
    CHECK_ERRNO(open_raw(SANDBOX, "nodir/x.txt", __WASI_OFLAGS_CREAT, 0, &fd),
                __WASI_ERRNO_NOENT);

    /* fdflags APPEND */
    put_file(SANDBOX, "app.txt", "abc");
    CHECK_OK(open_raw(SANDBOX, "app.txt", 0, __WASI_FDFLAGS_APPEND, &fd));
    __wasi_fdstat_t fst;
    CHECK_OK(__wasi_fd_fdstat_get(fd, &fst));
    CHECK(fst.fs_flags == __WASI_FDFLAGS_APPEND);
    __wasi_ciovec_t d = {(const uint8_t *)"d", 1};
    __wasi_size_t n;
    CHECK_OK(__wasi_fd_write(fd, &d, 1, &n));
    CHECK_OK(__wasi_fd_close(fd));
    CHECK(file_is(SANDBOX, "app.txt", "abcd"));

    /* a sub-directory fd as the base of further path calls */
    __wasi_fd_t sub;
    CHECK_OK(open_dir(SANDBOX, "sub", &sub));
    CHECK_OK(__wasi_fd_fdstat_get(sub, &fst));
    CHECK(fst.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK(file_is(sub, "a.txt", "a"));
    CHECK(stat_of(sub, 0, "a.txt").size == 1);
    CHECK_OK(__wasi_path_create_directory(sub, "nested"));
    CHECK(stat_of(SANDBOX, 0, "sub/nested").filetype == __WASI_FILETYPE_DIRECTORY);
    put_file(sub, "nested/deep.txt", "deep");
    CHECK(file_is(SANDBOX, "sub/nested/deep.txt", "deep"));
    __wasi_fd_t nested;
    CHECK_OK(open_dir(sub, "nested", &nested));
    CHECK(file_is(nested, "deep.txt", "deep"));
    CHECK_OK(__wasi_fd_close(nested));
    CHECK_OK(__wasi_fd_close(sub));
    /* a directory opened without DIRECTORY is still a directory */
    CHECK_OK(__wasi_path_open(SANDBOX, 0, "sub", 0, DIR_RIGHTS, ALL_RIGHTS, 0, &sub));
    CHECK_OK(__wasi_fd_fdstat_get(sub, &fst));
    CHECK(fst.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK_OK(__wasi_fd_close(sub));
    /* Asking for every right but writing, file rights included, still opens
     * a directory: "The implementation is allowed to return a file
     * descriptor with fewer rights than specified, if and only if those
     * rights do not apply to the type of file being opened." Writing rights
     * are refused with ISDIR, as open(2) refuses O_DIRECTORY|O_RDWR (and as
     * wasmtime and WAMR answer); see open_rights.c. */
    CHECK_ERRNO(__wasi_path_open(SANDBOX, 0, "sub", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS,
                                 ALL_RIGHTS, 0, &sub),
                __WASI_ERRNO_ISDIR);
    CHECK_OK(__wasi_path_open(SANDBOX, 0, "sub", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~WRITING,
                              ALL_RIGHTS, 0, &sub));
    memset(&fst, 0, sizeof fst);
    CHECK_OK(__wasi_fd_fdstat_get(sub, &fst));
    CHECK(fst.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK((fst.fs_rights_base & __WASI_RIGHTS_FD_READDIR) != 0);
    CHECK_OK(__wasi_fd_close(sub));
    /* "." is the directory itself */
    __wasi_fd_t self;
    CHECK_OK(open_dir(SANDBOX, ".", &self));
    CHECK(file_is(self, "hello.txt", "hello, world\n"));
    CHECK_OK(__wasi_fd_close(self));

    /* a regular-file fd as the base: POSIX *at() calls give ENOTDIR; BADF
     * (not a directory descriptor) is also reasonable. */
    __wasi_fd_t file = open_ok(SANDBOX, "hello.txt", 0);
    __wasi_errno_t e = CHECK_ERRNO2(open_raw(file, "x", 0, 0, &fd), __WASI_ERRNO_NOTDIR,
                                    __WASI_ERRNO_BADF);
    NOTE("path_open with a regular-file base fd -> %s", errno_name(e));
    e = CHECK_ERRNO2(stat_errno(file, "x"), __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF);
    NOTE("path_filestat_get with a regular-file base fd -> %s", errno_name(e));
    CHECK_OK(__wasi_fd_close(file));
}

/* ---------------- every path_* on a closed fd ---------------- */

static void badf_checks(void) {
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    char buf[16];
    __wasi_size_t n;
    CHECK_ERRNO(__wasi_path_create_directory(NOT_OPEN, "x"), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_filestat_get(NOT_OPEN, 0, "x", &st), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_filestat_set_times(NOT_OPEN, 0, "x", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
                __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_link(NOT_OPEN, 0, "x", SANDBOX, "y"), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_link(SANDBOX, 0, "hello.txt", NOT_OPEN, "y"), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_open(NOT_OPEN, 0, "x", 0, ALL_RIGHTS, ALL_RIGHTS, 0, &fd),
                __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_readlink(NOT_OPEN, "x", (uint8_t *)buf, sizeof buf, &n),
                __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_remove_directory(NOT_OPEN, "x"), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_rename(NOT_OPEN, "x", SANDBOX, "y"), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_rename(SANDBOX, "hello.txt", NOT_OPEN, "y"), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_symlink("x", NOT_OPEN, "y"), __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_path_unlink_file(NOT_OPEN, "x"), __WASI_ERRNO_BADF);
    CHECK(file_is(SANDBOX, "hello.txt", "hello, world\n"));
}

/* The <wasi/api.h> wrappers run strlen() on paths, so an out-of-bounds path
 * pointer needs the raw imports. */
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                      int32_t oflags, int64_t base, int64_t inheriting, int32_t fdflags,
                      int32_t fd_out)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("path_open")));
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t path_len,
                              int32_t out)
    __attribute__((__import_module__("wasi_snapshot_preview1"),
                   __import_name__("path_filestat_get")));
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t path_len)
    __attribute__((__import_module__("wasi_snapshot_preview1"),
                   __import_name__("path_create_directory")));

#define BAD ((int32_t)(uintptr_t)BAD_PTR)
#define ADDR(p) ((int32_t)(uintptr_t)(p))

/* Out-of-bounds pointers must give FAULT, not a trap (see check.h). */
static void bad_arg_checks(void) {
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    __wasi_size_t n;
    CHECK_ERRNO(raw_path_open(SANDBOX, FOLLOW, BAD, 5, 0, (int64_t)ALL_RIGHTS,
                              (int64_t)ALL_RIGHTS, 0, ADDR(&fd)),
                __WASI_ERRNO_FAULT);
    /* a path that starts 4 bytes before the end of memory and runs past it */
    int32_t end = (int32_t)(__builtin_wasm_memory_size(0) * 65536);
    CHECK_ERRNO(raw_path_open(SANDBOX, FOLLOW, end - 4, 16, 0, (int64_t)ALL_RIGHTS,
                              (int64_t)ALL_RIGHTS, 0, ADDR(&fd)),
                __WASI_ERRNO_FAULT);
    CHECK_ERRNO(raw_path_open(SANDBOX, FOLLOW, ADDR("hello.txt"), 9, 0, (int64_t)ALL_RIGHTS,
                              (int64_t)ALL_RIGHTS, 0, BAD),
                __WASI_ERRNO_FAULT);
    CHECK_ERRNO(raw_path_filestat_get(SANDBOX, 0, BAD, 5, ADDR(&st)), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(raw_path_filestat_get(SANDBOX, 0, ADDR("hello.txt"), 9, BAD), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(raw_path_create_directory(SANDBOX, BAD, 3), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_fd_readdir(SANDBOX, BAD_PTR, 64, 0, &n), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_fd_readdir(SANDBOX, (uint8_t *)&st, sizeof st, 0, BAD_PTR),
                __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_path_readlink(SANDBOX, "link-for-fault", BAD_PTR, 64, &n),
                __WASI_ERRNO_FAULT);
}

int main(void) {
    readdir_checks();
    create_remove_checks();
    rename_checks();
    link_checks();
    open_checks();
    badf_checks();
    CHECK_OK(__wasi_path_symlink("hello.txt", SANDBOX, "link-for-fault"));
    RUN_BAD_ARG_CHECKS(bad_arg_checks);
    return check_done();
}
