//! The host calls that take a guest-sized amount of work, at sizes where a
//! quadratic or copying implementation shows: a million overlapping
//! iovecs, a hundred thousand subscriptions, twenty thousand directory
//! entries. Results are checked by count; the times are in
//! `benches/hostcalls.rs`. Each test has a generous hang guard.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use wasi::types::{event, rights};
use wasi::WasiCtx;

mod support;
use support::guest::Guest;

const MIB: u32 = 1 << 20;
/// The guest's memory: 32 MiB.
const PAGES: u32 = 512;

/// Runs `test` on a thread of its own and fails if it has not finished
/// after a minute (a hang guard, not a measurement).
fn within_a_minute(test: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let worker = thread::spawn(move || {
        test();
        let _ = done.send(());
    });
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(()) => worker.join().expect("the test"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(worker.join().expect_err("the test panicked"))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("still running after a minute"),
    }
}

/// This process's peak resident memory, in bytes (Linux's `VmHWM`).
#[cfg(target_os = "linux")]
fn peak_resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .expect("VmHWM");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number of KiB");
    kib * 1024
}

/// A guest that can write to `/dev/null` (pre-opened `/dev` is fd 3).
fn null_writer() -> (Guest, u32) {
    let ctx = WasiCtx::builder()
        .preopened_dir("/dev", "/dev")
        .expect("/dev")
        .build();
    let mut guest = Guest::new(ctx, PAGES);
    let fd = guest.open(3, "null", rights::FD_WRITE | rights::FD_SEEK, 30 * MIB);
    (guest, fd)
}

/// Writes, from 0, `count` iovecs of `len` bytes overlapping inside the
/// 16 MiB from 8 MiB on.
fn overlapping_iovecs(guest: &mut Guest, count: u32, len: u32) {
    for i in 0..count {
        guest.put_u32(8 * i, 8 * MIB + (i * 4096) % (16 * MIB - len));
        guest.put_u32(8 * i + 4, len);
    }
}

#[test]
fn a_million_overlapping_iovecs_asking_16_gib_are_written_without_a_buffer() {
    within_a_minute(|| {
        let (mut guest, fd) = null_writer();
        overlapping_iovecs(&mut guest, 1_000_000, 16 * 1024);
        #[cfg(target_os = "linux")]
        let before = peak_resident();
        let nwritten = 31 * MIB;
        assert_eq!(guest.fd_write(fd, 0, 1_000_000, nwritten), 0);
        // A short write: what wasi-libc's 32-bit `ssize_t` can count.
        assert_eq!(guest.u32_at(nwritten), i32::MAX as u32);
        assert_eq!(guest.fd_pwrite(fd, 0, 1_000_000, 0, nwritten), 0);
        assert_eq!(guest.u32_at(nwritten), i32::MAX as u32);
        #[cfg(target_os = "linux")]
        {
            let grown = peak_resident().saturating_sub(before);
            assert!(grown < 256 << 20, "the writes took {grown} bytes");
        }
    });
}

#[test]
fn a_million_iovecs_are_all_written() {
    within_a_minute(|| {
        let (mut guest, fd) = null_writer();
        overlapping_iovecs(&mut guest, 1_000_000, 1024);
        let nwritten = 31 * MIB;
        assert_eq!(guest.fd_write(fd, 0, 1_000_000, nwritten), 0);
        assert_eq!(guest.u32_at(nwritten), 1_000_000 * 1024);
        assert_eq!(guest.fd_pwrite(fd, 0, 1_000_000, 7, nwritten), 0);
        assert_eq!(guest.u32_at(nwritten), 1_000_000 * 1024);
    });
}

/// One event: userdata, errno, type.
type Event = (u64, u16, u8);

/// Polls `count` subscriptions from 0 and gives the events.
fn poll(guest: &mut Guest, count: u32) -> Vec<Event> {
    let events = 8 * MIB;
    let nevents = 16 * MIB;
    assert_eq!(guest.poll_oneoff(0, events, count, nevents), 0);
    let n = guest.u32_at(nevents);
    (0..n)
        .map(|i| {
            let at = events + i * event::EVENT_SIZE;
            let errno = guest.u32_at(at + 8) as u16;
            (guest.u64_at(at), errno, guest.memory()[at as usize + 10])
        })
        .collect()
}

/// Writes a clock subscription (monotonic, relative) at `at`.
fn clock(guest: &mut Guest, at: u32, userdata: u64, timeout: u64) {
    guest.put_u64(at, userdata);
    guest.memory()[at as usize + 8] = event::CLOCK;
    guest.put_u32(at + 16, 1);
    guest.put_u64(at + 24, timeout);
}

#[test]
fn a_hundred_thousand_fired_clocks_each_report_once_even_with_equal_userdata() {
    within_a_minute(|| {
        let mut guest = Guest::new(WasiCtx::builder().build(), PAGES);
        for i in 0..100_000 {
            clock(&mut guest, i * event::SUBSCRIPTION_SIZE, 7, 0);
        }
        let events = poll(&mut guest, 100_000);
        assert_eq!(events.len(), 100_000);
        assert!(events.iter().all(|&e| e == (7, 0, event::CLOCK)));
    });
}

#[test]
fn ready_descriptors_and_fired_clocks_all_report() {
    within_a_minute(|| {
        let ctx = WasiCtx::builder().stdin_bytes(&b"input"[..]).build();
        let mut guest = Guest::new(ctx, PAGES);
        for i in 0..100_000u32 {
            let at = i * event::SUBSCRIPTION_SIZE;
            if i % 2 == 0 {
                clock(&mut guest, at, u64::from(i), 0);
            } else {
                guest.put_u64(at, u64::from(i));
                guest.memory()[at as usize + 8] = event::FD_READ;
                guest.put_u32(at + 16, 0);
            }
        }
        let events = poll(&mut guest, 100_000);
        let userdata: BTreeSet<u64> = events.iter().map(|&(u, _, _)| u).collect();
        assert_eq!(userdata, (0..100_000).collect());
        for (u, errno, kind) in events {
            let want = if u % 2 == 0 {
                event::CLOCK
            } else {
                event::FD_READ
            };
            assert_eq!((errno, kind), (0, want), "userdata {u}");
        }
    });
}

#[test]
fn a_hundred_thousand_unknown_clocks_each_answer_inval() {
    within_a_minute(|| {
        let mut guest = Guest::new(WasiCtx::builder().build(), PAGES);
        for i in 0..100_000u32 {
            // Clock ids from 4 up: none is a clock.
            clock(&mut guest, i * event::SUBSCRIPTION_SIZE, u64::from(i), 0);
            guest.put_u32(i * event::SUBSCRIPTION_SIZE + 16, 4 + i);
        }
        let events = poll(&mut guest, 100_000);
        let inval = wasi::Errno::Inval as u16;
        let want: Vec<Event> = (0..100_000).map(|u| (u, inval, event::CLOCK)).collect();
        assert_eq!(events, want);
    });
}

/// One pass over directory `fd` from cookie 0, 4 KiB per call as
/// wasi-libc reads; `between` runs after the first call. Gives the names
/// in order.
fn pass(guest: &mut Guest, fd: u32, mut between: impl FnMut()) -> Vec<String> {
    const LEN: u32 = 4096;
    const USED: u32 = 8192;
    let mut cookie = 0;
    let mut names = Vec::new();
    loop {
        assert_eq!(guest.fd_readdir(fd, 0, LEN, cookie, USED), 0);
        if cookie == 0 {
            between();
        }
        let used = guest.u32_at(USED);
        let mut at = 0;
        while at + 24 <= used {
            let len = guest.u32_at(at + 16);
            if at + 24 + len > used {
                break;
            }
            cookie = guest.u64_at(at);
            let name = &guest.memory()[(at + 24) as usize..(at + 24 + len) as usize];
            names.push(String::from_utf8_lossy(name).into_owned());
            at += 24 + len;
        }
        if used < LEN {
            return names;
        }
    }
}

#[test]
fn twenty_thousand_entries_are_listed_once_each_and_new_ones_after_a_rewind() {
    within_a_minute(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // Hard links to one file: creating 20k inodes is slow on some file
        // systems, and the entries are what is listed.
        let first = dir.path().join("file-00000");
        std::fs::write(&first, b"").expect("a file");
        for i in 1..20_000 {
            std::fs::hard_link(&first, dir.path().join(format!("file-{i:05}"))).expect("a link");
        }
        let ctx = WasiCtx::builder()
            .preopened_dir(dir.path(), "/d")
            .expect("pre-opened")
            .build();
        let mut guest = Guest::new(ctx, PAGES);
        let mut want: Vec<String> = [".", ".."].map(String::from).into();
        want.extend((0..20_000).map(|i| format!("file-{i:05}")));
        // A file created during a pass is not in it: the pass reads the
        // directory once, not at every call.
        let late = dir.path().join("late");
        let names = pass(&mut guest, 3, || std::fs::write(&late, b"").expect("late"));
        assert_eq!(names, want);
        // A pass from cookie 0 reads the directory again.
        want.push("late".to_string());
        assert_eq!(pass(&mut guest, 3, || {}), want);
    });
}
