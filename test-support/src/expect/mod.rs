//! Expectation lines, the one reader and writer of them: the sample
//! contracts' `;; EXPECT:` lines (`state/tests/fixtures.rs`, and the state
//! tests that take the sample calls' inputs), the hostile corpus's
//! (`tests/hostile.rs`) and its generated attacks' `generated.expect`.
//!
//! An expectation is `key=value` words separated by spaces, each key once;
//! in a `.wat` file it is a line `;; EXPECT: key=value…` ([`find`],
//! [`ExpectFile`]), in an expectations file a line `NAME key=value…`
//! ([`NamedExpects`]). The keys the runners use:
//!
//! | key | what | who |
//! |---|---|---|
//! | `input` | call data, hex with `0x` | sample contracts |
//! | `value` | wei sent, decimal; absent: 0 | sample contracts |
//! | `gas` | gas given; absent: the runner's default | sample contracts |
//! | `status` | how the call ended (`Success`, `Revert`, `OutOfGas`…) | both |
//! | `gas_used` | gas used, decimal | both |
//! | `output` | return data, hex with `0x` | sample contracts |
//!
//! (A hostile fixture's call settings are on its `;; RUN:` line.) A runner
//! compares what happened, written as an [`Expect`] in the same key order,
//! with what a line says; with `BLESS=1` ([`Checker`]) it rewrites the line
//! instead.
//!
//! ```
//! use test_support::expect::{find, Expect};
//! let text = "(module)\n;; EXPECT: input=0x01 status=Success gas_used=5";
//! let found = find(text).expect("valid lines");
//! assert_eq!(found[0].line, 1);
//! assert_eq!(found[0].expect.bytes("input"), Ok(Some(vec![1])));
//! assert_eq!(found[0].expect.number::<u64>("gas_used"), Ok(Some(5)));
//! let got = Expect::new().with_bytes("input", &[1]).with("status", "Success").with("gas_used", 5);
//! assert_eq!(found[0].expect, got);
//! ```

mod file;

use std::fmt;
use std::str::FromStr;

pub use file::{Checker, ExpectFile, NamedExpects, BLESS_VAR};

/// What opens an expectation line in a fixture.
pub const MARKER: &str = ";; EXPECT:";

/// One expectation: `key=value` words, in their order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expect {
    fields: Vec<(String, String)>,
}

impl Expect {
    /// An expectation with no words.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `key=value` words separated by whitespace.
    ///
    /// # Errors
    ///
    /// A word without `=` or with an empty key, or a key given twice.
    pub fn parse(words: &str) -> Result<Self, String> {
        let mut expect = Self::new();
        for word in words.split_whitespace() {
            let Some((key, value)) = word.split_once('=').filter(|(key, _)| !key.is_empty()) else {
                return Err(format!("`{word}` is not key=value"));
            };
            if expect.get(key).is_some() {
                return Err(format!("`{key}` given twice"));
            }
            expect.fields.push((key.to_string(), value.to_string()));
        }
        Ok(expect)
    }

    /// This expectation with `key` set to `value` (in place if the key is
    /// there, else last).
    pub fn with(mut self, key: &str, value: impl fmt::Display) -> Self {
        self.set(key, value);
        self
    }

    /// This expectation with `key` set to `bytes` in hex, with `0x`.
    pub fn with_bytes(self, key: &str, bytes: &[u8]) -> Self {
        self.with(key, format!("0x{}", ewasm_host::hex::encode(bytes)))
    }

    /// Sets `key` to `value`, in place if the key is there, else last.
    ///
    /// # Panics
    ///
    /// If the key or the value holds whitespace, or the key holds `=` or
    /// is empty: it would not read back.
    pub fn set(&mut self, key: &str, value: impl fmt::Display) {
        let value = value.to_string();
        assert!(
            !key.is_empty()
                && !key.contains('=')
                && !key.contains(char::is_whitespace)
                && !value.contains(char::is_whitespace),
            "`{key}={value}` would not read back as one key=value word"
        );
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.fields.push((key.to_string(), value)),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Removes `key`, giving its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let at = self.fields.iter().position(|(k, _)| k == key)?;
        Some(self.fields.remove(at).1)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| k.as_str())
    }

    /// The value of `key` as hex bytes (`0x` optional).
    ///
    /// # Errors
    ///
    /// The value is not hex, naming the key.
    pub fn bytes(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        self.get(key)
            .map(|v| ewasm_host::hex::decode(v).map_err(|e| format!("{key}: {e}")))
            .transpose()
    }

    /// The value of `key` as a number (or anything else `FromStr` reads).
    ///
    /// # Errors
    ///
    /// The value does not parse, naming the key.
    pub fn number<T: FromStr>(&self, key: &str) -> Result<Option<T>, String>
    where
        T::Err: fmt::Display,
    {
        self.get(key)
            .map(|v| v.parse().map_err(|e| format!("{key}: `{v}`: {e}")))
            .transpose()
    }

    /// Checks that every key is one of `known`.
    ///
    /// # Errors
    ///
    /// The first key that is not, with the known ones.
    pub fn check_keys(&self, known: &[&str]) -> Result<(), String> {
        match self.keys().find(|k| !known.contains(k)) {
            Some(key) => Err(format!("unknown key `{key}` (known: {})", known.join(", "))),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (key, value)) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{key}={value}")?;
        }
        Ok(())
    }
}

/// An expectation line of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its line index, from 0.
    pub line: usize,
    /// What it says.
    pub expect: Expect,
}

/// The `;; EXPECT:` lines of `text` (lines that start with [`MARKER`]), in
/// order.
///
/// # Errors
///
/// A line that does not parse, with its line number (from 1).
pub fn find(text: &str) -> Result<Vec<Found>, String> {
    text.lines()
        .enumerate()
        .filter_map(|(line, content)| Some((line, content.strip_prefix(MARKER)?)))
        .map(|(line, words)| {
            let expect = Expect::parse(words).map_err(|e| format!("line {}: {e}", line + 1))?;
            Ok(Found { line, expect })
        })
        .collect()
}

/// `expect` as a fixture's line: `;; EXPECT: key=value…`.
pub fn line(expect: &Expect) -> String {
    format!("{MARKER} {expect}")
}

#[cfg(test)]
mod tests;
