//! Host calls whose cost must grow linearly with what the guest passes:
//! `poll_oneoff` in subscriptions, `fd_readdir` in directory entries (a
//! whole listing read as wasi-libc reads it, 4 KiB at a time) and
//! `fd_write`/`fd_pwrite` in iovecs (to `/dev/null`, so the host call is
//! what is timed). Each size is the best of five; `ratio` is its time over
//! the previous size's, about 2 when the cost is linear (4 when quadratic).
//!
//! `cargo bench -p iris-wasi --bench hostcalls`

use std::time::{Duration, Instant};

use wasi::types::{event, rights};
use wasi::WasiCtx;

#[path = "../tests/support/guest.rs"]
mod guest;
use guest::Guest;

/// Runs of each measurement; the best is kept.
const RUNS: usize = 5;
/// The guest's memory: 32 MiB.
const PAGES: u32 = 512;
const MIB: u32 = 1 << 20;

/// The best time of `RUNS` runs of `f` (each gets a fresh setup from
/// `setup`).
fn best<S>(mut setup: impl FnMut() -> S, mut f: impl FnMut(&mut S)) -> Duration {
    (0..RUNS)
        .map(|_| {
            let mut state = setup();
            let start = Instant::now();
            f(&mut state);
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Prints one row per size, with the ratio to the previous row's time.
fn table(name: &str, unit: &str, rows: &[(u64, Duration)]) {
    let mut previous: Option<Duration> = None;
    for &(size, time) in rows {
        let ratio = previous.map_or(String::from("-"), |p| {
            format!("{:.2}", time.as_secs_f64() / p.as_secs_f64())
        });
        println!(
            "{name:<26} {size:>9} {unit:<11} {:>10.2} ms {ratio:>7}",
            time.as_secs_f64() * 1e3
        );
        previous = Some(time);
    }
}

/// `count` subscriptions: clocks that have already fired (relative
/// timeout 0) and, when `mixed`, every other one a read on standard input
/// (ready at once).
fn poll(count: u32, mixed: bool) -> Duration {
    let subs = 0;
    let events = 8 * MIB;
    let nevents = 16 * MIB;
    let setup = || {
        let ctx = WasiCtx::builder().stdin_bytes(&b"input"[..]).build();
        let mut guest = Guest::new(ctx, PAGES);
        for i in 0..count {
            let at = subs + i * event::SUBSCRIPTION_SIZE;
            guest.put_u64(at, u64::from(i));
            if mixed && i % 2 == 1 {
                guest.memory()[at as usize + 8] = event::FD_READ;
                guest.put_u32(at + 16, 0);
            } else {
                guest.memory()[at as usize + 8] = event::CLOCK;
                guest.put_u32(at + 16, 1); // monotonic
                guest.put_u64(at + 24, 0);
            }
        }
        // Touch the events' pages now, so the call is not charged for
        // their first use.
        let events = events as usize;
        guest.memory()[events..events + (count * event::EVENT_SIZE) as usize].fill(1);
        guest
    };
    best(setup, |guest| {
        assert_eq!(guest.poll_oneoff(subs, events, count, nevents), 0);
        assert_eq!(guest.u32_at(nevents), count);
    })
}

/// Reads a whole directory of `files` files, 4 KiB per call, following
/// the cookies as wasi-libc's `readdir` does; gives the entries seen.
fn list(guest: &mut Guest, fd: u32) -> u64 {
    const BUF: u32 = 0;
    const LEN: u32 = 4096;
    const USED: u32 = 8192;
    let mut cookie = 0;
    let mut seen = 0;
    loop {
        assert_eq!(guest.fd_readdir(fd, BUF, LEN, cookie, USED), 0);
        let used = guest.u32_at(USED);
        let mut at = 0;
        while at + 24 <= used {
            let name_len = guest.u32_at(BUF + at + 16);
            if at + 24 + name_len > used {
                break;
            }
            cookie = guest.u64_at(BUF + at);
            seen += 1;
            at += 24 + name_len;
        }
        if used < LEN {
            return seen;
        }
    }
}

fn readdir(files: u32) -> Duration {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Hard links to one file: creating inodes is slow on some file systems,
    // and the entries are what is listed.
    let first = dir.path().join("file-000000");
    std::fs::write(&first, b"").expect("a file");
    for i in 1..files {
        std::fs::hard_link(&first, dir.path().join(format!("file-{i:06}"))).expect("a link");
    }
    let setup = || {
        let ctx = WasiCtx::builder()
            .preopened_dir(dir.path(), "/d")
            .expect("pre-opened")
            .build();
        Guest::new(ctx, PAGES)
    };
    best(setup, |guest| {
        assert_eq!(list(guest, 3), u64::from(files) + 2);
    })
}

/// One `fd_write` (or `fd_pwrite`) of `count` iovecs of `len` bytes each,
/// overlapping inside 16 MiB of the guest's memory, to `/dev/null`.
fn write(count: u32, len: u32, positioned: bool) -> Duration {
    let iovs = 0;
    let data = 8 * MIB;
    let nwritten = 31 * MIB;
    let setup = || {
        let ctx = WasiCtx::builder()
            .preopened_dir("/dev", "/dev")
            .expect("/dev")
            .build();
        let mut guest = Guest::new(ctx, PAGES);
        let fd = guest.open(3, "null", rights::FD_WRITE | rights::FD_SEEK, 30 * MIB);
        let span = 16 * MIB - len;
        for i in 0..count {
            guest.put_u32(iovs + 8 * i, data + (i * 4096) % span);
            guest.put_u32(iovs + 8 * i + 4, len);
        }
        (guest, fd)
    };
    best(setup, |(guest, fd)| {
        let errno = if positioned {
            guest.fd_pwrite(*fd, iovs, count, 0, nwritten)
        } else {
            guest.fd_write(*fd, iovs, count, nwritten)
        };
        assert_eq!(errno, 0);
        let asked = u64::from(count) * u64::from(len);
        assert_eq!(
            u64::from(guest.u32_at(nwritten)),
            asked.min(i32::MAX as u64)
        );
    })
}

fn main() {
    println!(
        "{:<26} {:>9} {:<11} {:>13} {:>7}",
        "call", "size", "", "time", "ratio"
    );
    let sizes = [25_000, 50_000, 100_000];
    let rows: Vec<_> = sizes
        .iter()
        .map(|&n| (u64::from(n), poll(n, false)))
        .collect();
    table("poll_oneoff (clocks)", "subs", &rows);
    let rows: Vec<_> = sizes
        .iter()
        .map(|&n| (u64::from(n), poll(n, true)))
        .collect();
    table("poll_oneoff (clocks+fds)", "subs", &rows);

    let rows: Vec<_> = [5_000, 10_000, 20_000]
        .iter()
        .map(|&n| (u64::from(n), readdir(n)))
        .collect();
    table("fd_readdir (whole dir)", "entries", &rows);

    let counts = [250_000, 500_000, 1_000_000];
    for (name, positioned) in [("fd_write 1 KiB", false), ("fd_pwrite 1 KiB", true)] {
        let rows: Vec<_> = counts
            .iter()
            .map(|&n| (u64::from(n), write(n, 1024, positioned)))
            .collect();
        table(name, "iovecs", &rows);
    }
    // 16 GiB asked for: the call writes what a 32-bit `ssize_t` can count.
    for (name, positioned) in [("fd_write 16 KiB", false), ("fd_pwrite 16 KiB", true)] {
        let rows = [(1_000_000, write(1_000_000, 16 * 1024, positioned))];
        table(name, "iovecs", &rows);
    }
}
