//! `poll_oneoff`: waiting for clocks and descriptors.

use std::io::Seek;
use std::time::Duration;

use rustix::event::{PollFd, PollFlags};

use crate::clock::now;
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::table::{Handle, Input};
use crate::types::{event, rights};

/// One event to report.
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
    /// `eventrwflags`.
    flags: u16,
}

impl Event {
    fn to_bytes(&self) -> [u8; event::EVENT_SIZE as usize] {
        let mut out = [0u8; event::EVENT_SIZE as usize];
        out[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        out[8..10].copy_from_slice(&(self.error as u16).to_le_bytes());
        out[10] = self.kind;
        out[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        out[24..26].copy_from_slice(&self.flags.to_le_bytes());
        out
    }
}

/// A clock subscription: when it fires, on its own clock.
struct Timer {
    userdata: u64,
    clock: u32,
    deadline: u64,
}

/// The time of each clock, read once (at its first use) for a whole set
/// of subscriptions: one read per clock, not per subscription.
#[derive(Default)]
struct Clocks([Option<WasiResult<u64>>; 4]);

impl Clocks {
    /// The time of clock `id`.
    fn now(&mut self, id: u32) -> WasiResult<u64> {
        match self.0.get_mut(id as usize) {
            Some(time) => *time.get_or_insert_with(|| now(id)),
            // Not a clock (`inval`): nothing to keep.
            None => now(id),
        }
    }
}

/// Bytes left to read in `file` from its position.
fn bytes_left(file: &mut cap_std::fs::File) -> u64 {
    let size = file.metadata().map_or(0, |meta| meta.len());
    let position = file.stream_position().unwrap_or(size);
    size.saturating_sub(position)
}

/// `poll_oneoff(in, out, nsubscriptions, nevents)`.
///
/// Descriptors that never block (files, captured streams) are ready at
/// once, and then no clock is waited for; otherwise the call waits for the
/// earliest clock, or for standard input when the program inherited it.
pub(crate) fn poll_oneoff(
    ctx: &mut WasiCtx,
    memory: &mut GuestMemory<'_>,
    subs_ptr: u32,
    events_ptr: u32,
    count: u32,
    nevents_ptr: u32,
) -> WasiResult {
    if count == 0 {
        return Err(Errno::Inval);
    }
    let subs_len = count
        .checked_mul(event::SUBSCRIPTION_SIZE)
        .ok_or(Errno::Fault)?;
    let events_len = count.checked_mul(event::EVENT_SIZE).ok_or(Errno::Fault)?;
    memory.check(events_ptr, events_len as usize)?;
    memory.check(nevents_ptr, 4)?;
    let subs = memory.slice(subs_ptr, subs_len)?;

    let mut start = Clocks::default();
    // At most one event per subscription: one allocation, not a doubling
    // series.
    let mut ready = Vec::with_capacity(count as usize);
    let mut timers = Vec::new();
    let mut stdin_waiters = Vec::new();
    for sub in subs.chunks_exact(event::SUBSCRIPTION_SIZE as usize) {
        let u64_at = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&sub[at..at + 8]);
            u64::from_le_bytes(word)
        };
        let u32_at =
            |at: usize| u32::from_le_bytes([sub[at], sub[at + 1], sub[at + 2], sub[at + 3]]);
        let userdata = u64_at(0);
        let kind = sub[8];
        match kind {
            event::CLOCK => {
                let clock = u32_at(16);
                let timeout = u64_at(24);
                let flags = u16::from_le_bytes([sub[40], sub[41]]);
                match start.now(clock) {
                    Ok(current) => {
                        let deadline = if flags & event::CLOCK_ABSTIME != 0 {
                            timeout
                        } else {
                            current.saturating_add(timeout)
                        };
                        timers.push(Timer {
                            userdata,
                            clock,
                            deadline,
                        });
                    }
                    Err(error) => ready.push(Event {
                        userdata,
                        error,
                        kind,
                        nbytes: 0,
                        flags: 0,
                    }),
                }
            }
            event::FD_READ | event::FD_WRITE => {
                let fd = u32_at(16);
                let answer = |error, nbytes| Event {
                    userdata,
                    error,
                    kind,
                    nbytes,
                    flags: 0,
                };
                let descriptor = match ctx.fds.get_mut(fd) {
                    Ok(descriptor) => descriptor,
                    Err(error) => {
                        ready.push(answer(error, 0));
                        continue;
                    }
                };
                if descriptor.require(rights::POLL_FD_READWRITE).is_err() {
                    ready.push(answer(Errno::NotCapable, 0));
                    continue;
                }
                let reading = kind == event::FD_READ;
                match &mut descriptor.handle {
                    Handle::File(file) if reading => {
                        let left = bytes_left(file);
                        ready.push(answer(Errno::Success, left));
                    }
                    Handle::File(_) => ready.push(answer(Errno::Success, 0)),
                    Handle::Input(Input::Inherit) if reading => stdin_waiters.push(userdata),
                    Handle::Input(Input::Bytes(cursor)) if reading => {
                        let size = cursor.get_ref().len() as u64;
                        let position = cursor.stream_position().unwrap_or(size);
                        ready.push(answer(Errno::Success, size.saturating_sub(position)));
                    }
                    Handle::Output(_) if !reading => ready.push(answer(Errno::Success, 0)),
                    Handle::Dir(_) => ready.push(answer(Errno::IsDir, 0)),
                    _ => ready.push(answer(Errno::Badf, 0)),
                }
            }
            _ => return Err(Errno::Inval),
        }
    }

    if ready.is_empty() {
        wait(&timers, &stdin_waiters, &mut ready)?;
    }
    // Each timer is a subscription of its own and reports at most once.
    let mut end = Clocks::default();
    for timer in &timers {
        if end
            .now(timer.clock)
            .is_ok_and(|current| current >= timer.deadline)
        {
            ready.push(Event {
                userdata: timer.userdata,
                error: Errno::Success,
                kind: event::CLOCK,
                nbytes: 0,
                flags: 0,
            });
        }
    }
    // The range was checked for every subscription's event; there are no
    // more events than subscriptions.
    for (i, event) in ready.iter().enumerate() {
        let at = u64::from(events_ptr) + i as u64 * u64::from(event::EVENT_SIZE);
        memory.write(
            u32::try_from(at).map_err(|_| Errno::Fault)?,
            &event.to_bytes(),
        )?;
    }
    memory.write_u32(nevents_ptr, ready.len() as u32)
}

/// How long until the earliest of `timers` fires (`None` without timers).
fn earliest(timers: &[Timer]) -> Option<Duration> {
    let mut clocks = Clocks::default();
    timers
        .iter()
        .map(|timer| {
            let current = clocks.now(timer.clock).unwrap_or(u64::MAX);
            Duration::from_nanos(timer.deadline.saturating_sub(current))
        })
        .min()
}

/// Blocks until the earliest timer fires or standard input is readable.
fn wait(timers: &[Timer], stdin_waiters: &[u64], ready: &mut Vec<Event>) -> WasiResult {
    let timeout = earliest(timers);
    if stdin_waiters.is_empty() {
        if let Some(timeout) = timeout {
            std::thread::sleep(timeout);
            // A clock other than the monotonic one can lag the sleep; wait
            // until the earliest timer has really passed.
            while earliest(timers).is_some_and(|left| !left.is_zero()) {
                std::thread::sleep(Duration::from_micros(100));
            }
        }
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let limit = timeout.map(|t| rustix::time::Timespec {
        tv_sec: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(t.subsec_nanos()),
    });
    let n = rustix::event::poll(&mut fds, limit.as_ref())?;
    if n > 0 {
        let hangup = fds[0].revents().contains(PollFlags::HUP);
        for &userdata in stdin_waiters {
            let mut event = Event {
                userdata,
                error: Errno::Success,
                kind: event::FD_READ,
                nbytes: 1,
                flags: 0,
            };
            if hangup {
                event.nbytes = 0;
                event.flags = event::HANGUP;
            }
            ready.push(event);
        }
    }
    Ok(())
}
