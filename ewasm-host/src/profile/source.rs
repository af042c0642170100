//! Source locations of a contract's code, from the DWARF it carries (a C
//! or Rust contract built with `-g`): the custom sections `.debug_*`, read
//! with gimli and symbolized with addr2line.
//!
//! The addresses of a Wasm module's DWARF are byte offsets in its code
//! section's contents, the offsets the engine's profile gives.

use std::collections::HashMap;

use addr2line::gimli::{self, EndianSlice, LittleEndian};

type Reader<'a> = EndianSlice<'a, LittleEndian>;

/// Where an instruction comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SourceFrames {
    /// The functions inlined at the instruction, outermost first (the
    /// function the compiler emitted, that the Wasm function already
    /// names, left out).
    pub(crate) inlined: Vec<String>,
    /// The innermost location, `file:line`.
    pub(crate) line: String,
    /// The innermost function, by its DWARF name.
    pub(crate) function: Option<String>,
}

/// A module's DWARF, ready to symbolize code offsets.
pub(crate) struct SourceMap<'a> {
    context: addr2line::Context<Reader<'a>>,
    /// Offsets already looked up.
    cache: HashMap<u32, Option<SourceFrames>>,
}

impl<'a> SourceMap<'a> {
    /// The source map of the Wasm module `code`, if it carries a line
    /// table (`.debug_line` and `.debug_info`) that gimli can read.
    pub(crate) fn of(code: &'a [u8]) -> Option<Self> {
        let sections = debug_sections(code);
        if !sections.contains_key(".debug_line") || !sections.contains_key(".debug_info") {
            return None;
        }
        let load = |id: gimli::SectionId| -> Result<Reader<'a>, gimli::Error> {
            let data = sections.get(id.name()).copied().unwrap_or(&[]);
            Ok(EndianSlice::new(data, LittleEndian))
        };
        let dwarf = gimli::Dwarf::load(load).ok()?;
        let context = addr2line::Context::from_dwarf(dwarf).ok()?;
        Some(Self {
            context,
            cache: HashMap::new(),
        })
    }

    /// Where the instruction at code offset `offset` comes from, if the
    /// line table covers it with a line.
    pub(crate) fn frames(&mut self, offset: u32) -> Option<SourceFrames> {
        if let Some(known) = self.cache.get(&offset) {
            return known.clone();
        }
        let found = self.look_up(offset);
        self.cache.insert(offset, found.clone());
        found
    }

    fn look_up(&self, offset: u32) -> Option<SourceFrames> {
        let mut iter = self
            .context
            .find_frames(u64::from(offset))
            .skip_all_loads()
            .ok()?;
        // Innermost first.
        let mut names = Vec::new();
        let mut innermost = None;
        while let Ok(Some(frame)) = iter.next() {
            let name = frame
                .function
                .as_ref()
                .and_then(|f| f.raw_name().ok())
                .map(|n| n.into_owned());
            if innermost.is_none() {
                innermost = frame
                    .location
                    .and_then(|l| Some((l.file?, l.line?, name.clone())));
            }
            names.push(name);
        }
        let (file, line, function) = innermost?;
        // The outermost frame is the emitted function itself.
        names.pop();
        names.reverse();
        Some(SourceFrames {
            inlined: names
                .into_iter()
                .map(|n| n.unwrap_or_else(|| "[inlined]".to_string()))
                .collect(),
            line: format!("{}:{line}", file.strip_prefix("./").unwrap_or(file)),
            function,
        })
    }
}

/// The module's custom sections named `.debug_*`, by name (the first of
/// each name). A module that does not parse has none.
fn debug_sections(code: &[u8]) -> HashMap<&str, &[u8]> {
    let mut sections = HashMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(code) {
        let Ok(payload) = payload else {
            break;
        };
        if let wasmparser::Payload::CustomSection(section) = payload {
            if section.name().starts_with(".debug_") {
                sections.entry(section.name()).or_insert(section.data());
            }
        }
    }
    sections
}
