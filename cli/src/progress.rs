//! A progress bar for long runs: drawn on standard error, only when it is
//! a terminal and only once the run has taken more than a second.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How long a run goes before it gets a bar.
const AFTER: Duration = Duration::from_secs(1);

/// Progress over `total` steps.
pub(crate) struct Progress {
    total: u64,
    done: u64,
    unit: &'static str,
    started: Instant,
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
            bar: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// One step done (call before each step: the bar shows the one
    /// running).
    pub(crate) fn tick(&mut self) {
        if self.bar.is_none() && self.terminal && self.started.elapsed() > AFTER {
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

    /// Removes the bar.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
