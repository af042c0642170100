//! Progress for long runs, on standard error, only when it is a terminal
//! and only once the run has taken more than a second (or
//! `IRIS_PROGRESS_AFTER_MS` milliseconds): a bar over steps, or a spinner
//! for one long step. Result lines go through [`Progress::println`], which
//! takes the bar off the screen while they print, so none is left among
//! them.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How long a run goes before it gets a bar.
const AFTER: Duration = Duration::from_secs(1);

/// [`AFTER`], or the milliseconds in `IRIS_PROGRESS_AFTER_MS` (for tests
/// of the bar on a terminal).
fn after() -> Duration {
    std::env::var("IRIS_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(AFTER, Duration::from_millis)
}

/// Progress over `total` steps.
pub(crate) struct Progress {
    total: u64,
    done: u64,
    unit: &'static str,
    started: Instant,
    after: Duration,
    bar: Option<ProgressBar>,
    terminal: bool,
}

impl Progress {
    pub(crate) fn new(total: u64, unit: &'static str) -> Self {
        Self {
            total,
            done: 0,
            unit,
            started: Instant::now(),
            after: after(),
            bar: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// One step done (call before each step: the bar shows the one
    /// running).
    pub(crate) fn tick(&mut self) {
        if self.bar.is_none() && self.terminal && self.started.elapsed() >= self.after {
            let bar = ProgressBar::new(self.total);
            let style = ProgressStyle::with_template(&format!(
                "{{bar:40}} {{pos}}/{{len}} {} {{elapsed}}",
                self.unit
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_position(self.done);
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        }
        self.done += 1;
    }

    /// Prints a result line on standard output, with the bar (if any)
    /// off the screen meanwhile.
    pub(crate) fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| println!("{line}")),
            None => println!("{line}"),
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// A spinner for one long step: shown after a second, on a terminal.
pub(crate) struct Spinner {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    pub(crate) fn start(message: &'static str) -> Self {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = std::io::stderr().is_terminal().then(|| {
            let done = std::sync::Arc::clone(&done);
            std::thread::spawn(move || {
                let started = Instant::now();
                while started.elapsed() < after() {
                    if done.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                let spinner = ProgressBar::new_spinner();
                spinner.set_message(message);
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    spinner.tick();
                    std::thread::sleep(Duration::from_millis(100));
                }
                spinner.finish_and_clear();
            })
        });
        Self { done, thread }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
