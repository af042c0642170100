//! Checking expectations against what happened, in fixtures and in
//! expectations files, and rewriting them when blessing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{find, line, Expect, Found};

/// The environment variable that makes [`Checker::from_env`] bless: take
/// what happened as the new expectations instead of comparing.
pub const BLESS_VAR: &str = "BLESS";

/// Compares what happened with what expectations say and collects the
/// failures; when blessing, compares nothing (the files take what
/// happened instead, in [`ExpectFile::check`] and [`NamedExpects::check`]).
#[derive(Debug, Default)]
pub struct Checker {
    blessing: bool,
    failures: Vec<String>,
}

impl Checker {
    /// A checker that blesses if `BLESS` is set (`BLESS=1`).
    pub fn from_env() -> Self {
        Self::new(std::env::var_os(BLESS_VAR).is_some())
    }

    /// A checker that blesses or compares.
    pub fn new(blessing: bool) -> Self {
        Self {
            blessing,
            failures: Vec::new(),
        }
    }

    /// Whether it blesses.
    pub fn is_blessing(&self) -> bool {
        self.blessing
    }

    /// Whether `got` is what is `expected` (`None`: no expectation). If
    /// not, and not blessing, records a failure naming `place` with both.
    pub fn check(&mut self, place: &str, expected: Option<&Expect>, got: &Expect) -> bool {
        let agree = expected == Some(got);
        if !agree && !self.blessing {
            let expected = expected.map_or("(no expectation)".to_string(), Expect::to_string);
            self.fail(format!("{place}:\n  expected {expected}\n  got      {got}"));
        }
        agree
    }

    /// Records a failure of another kind (blessing or not).
    pub fn fail(&mut self, failure: impl Into<String>) {
        self.failures.push(failure.into());
    }

    /// The failures so far.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// The end of a run.
    ///
    /// # Errors
    ///
    /// The failures, one a paragraph, if there are any.
    pub fn finish(self) -> Result<(), String> {
        if self.failures.is_empty() {
            Ok(())
        } else {
            Err(self.failures.join("\n"))
        }
    }
}

/// A fixture with `;; EXPECT:` lines, read once; blessing rewrites its
/// lines in memory and [`ExpectFile::finish`] writes them back.
#[derive(Debug, Clone)]
pub struct ExpectFile {
    path: PathBuf,
    text: String,
    lines: Vec<String>,
    found: Vec<Found>,
    changed: bool,
}

impl ExpectFile {
    /// Reads `path` and its `;; EXPECT:` lines.
    ///
    /// # Errors
    ///
    /// The file cannot be read, or a line does not parse (both naming the
    /// file).
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let found = find(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            lines: text.lines().map(str::to_string).collect(),
            text,
            found,
            changed: false,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text as read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its expectation lines, in order.
    pub fn expects(&self) -> &[Found] {
        &self.found
    }

    /// Checks the `n`th expectation line against `got` (a failure names
    /// the file and the line); when blessing, `got` replaces the line.
    ///
    /// # Panics
    ///
    /// If there are not `n + 1` expectation lines.
    pub fn check(&mut self, checker: &mut Checker, n: usize, got: &Expect) {
        let found = &mut self.found[n];
        let place = format!("{}:{}", self.path.display(), found.line + 1);
        if !checker.check(&place, Some(&found.expect), got) && checker.is_blessing() {
            self.lines[found.line] = line(got);
            found.expect = got.clone();
            self.changed = true;
        }
    }

    /// Writes the file back if blessing changed a line.
    ///
    /// # Errors
    ///
    /// The file cannot be written.
    pub fn finish(&self) -> Result<(), String> {
        if !self.changed {
            return Ok(());
        }
        std::fs::write(&self.path, self.lines.join("\n") + "\n")
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

/// An expectations file: one `NAME key=value…` a line, for things that
/// have no file of their own (generated contracts).
#[derive(Debug, Clone)]
pub struct NamedExpects {
    path: PathBuf,
    entries: BTreeMap<String, Expect>,
    changed: bool,
}

impl NamedExpects {
    /// Reads `path`; blank lines are skipped, and a file that does not
    /// exist has no expectations (blessing creates it).
    ///
    /// # Errors
    ///
    /// The file cannot be read, or a line does not parse or repeats a name
    /// (naming the file and the line).
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let mut entries = BTreeMap::new();
        for (i, content) in text.lines().enumerate() {
            let content = content.trim();
            if content.is_empty() {
                continue;
            }
            let at = |e: &str| format!("{}:{}: {e}", path.display(), i + 1);
            let (name, words) = content.split_once(' ').unwrap_or((content, ""));
            let expect = Expect::parse(words).map_err(|e| at(&e))?;
            if entries.insert(name.to_string(), expect).is_some() {
                return Err(at(&format!("`{name}` given twice")));
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            entries,
            changed: false,
        })
    }

    /// The expectation of `name`.
    pub fn get(&self, name: &str) -> Option<&Expect> {
        self.entries.get(name)
    }

    /// Checks `name`'s expectation against `got` (a failure names the file
    /// and `name`); when blessing, `got` becomes it.
    pub fn check(&mut self, checker: &mut Checker, name: &str, got: &Expect) {
        let place = format!("{}: {name}", self.path.display());
        if !checker.check(&place, self.entries.get(name), got) && checker.is_blessing() {
            self.entries.insert(name.to_string(), got.clone());
            self.changed = true;
        }
    }

    /// The file's text: one `NAME key=value…` a line, sorted by name.
    pub fn render(&self) -> String {
        self.entries
            .iter()
            .map(|(name, expect)| format!("{name} {expect}\n"))
            .collect()
    }

    /// Writes the file back if blessing changed an expectation.
    ///
    /// # Errors
    ///
    /// The file cannot be written.
    pub fn finish(&self) -> Result<(), String> {
        if !self.changed {
            return Ok(());
        }
        std::fs::write(&self.path, self.render())
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}
