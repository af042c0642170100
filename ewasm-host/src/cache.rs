//! A bounded, least-recently-used cache of compiled contracts, keyed by
//! their code: a repeated call skips decode, validate and translate.
//!
//! Bounded twice: by entries (`cache_size`) and by bytes (`cache_bytes`:
//! each entry counts its code and what its compiled module holds,
//! `Module::footprint`), so 64 entries of large contracts cannot hold
//! gigabytes.

use std::sync::{Arc, Mutex, PoisonError};

use engine::Module;

/// A compiled contract: its module, and for each of its imports the index
/// of the EEI function it links to (found by name once, at compilation).
#[derive(Clone)]
pub(crate) struct Contract {
    pub(crate) module: Module,
    pub(crate) links: Arc<[u16]>,
}

struct Entry {
    hash: u64,
    code: Arc<[u8]>,
    contract: Contract,
    used: u64,
    /// The code's and the module's bytes.
    bytes: usize,
}

/// The default byte bound of the cache: 256 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 256 << 20;

/// The cache. Thread-safe; a hit compares the whole code, so a hash
/// collision can never return the wrong module.
pub(crate) struct ModuleCache {
    capacity: usize,
    max_bytes: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: Vec<Entry>,
    clock: u64,
    /// The entries' bytes together.
    bytes: usize,
}

/// Words sampled from each end of the code, and words sampled between.
const END_WORDS: usize = 4;
const SAMPLES: usize = 16;

/// The little-endian word of the (up to) 8 bytes of `code` from `at`.
fn word_at(code: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    let bytes = code.get(at..).unwrap_or_default();
    for (w, &b) in word.iter_mut().zip(bytes) {
        *w = b;
    }
    u64::from_le_bytes(word)
}

/// A hash of the code's length, its first and last 32 bytes, and words
/// spread evenly between: constant work whatever the code's size (hashing
/// every byte of a 45 KB contract took about 3 µs per call; sampling 64
/// bytes at each end byte by byte and 64 words between took 0.3 µs, a
/// tenth of a small contract's call). A hit still compares the whole code,
/// so codes that share the sample cost one comparison more, never a wrong
/// module.
fn hash(code: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    let mut mix = |word: u64| {
        h = (h ^ word)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(29)
    };
    mix(code.len() as u64);
    let tail = code.len().saturating_sub(8 * END_WORDS);
    for i in 0..END_WORDS {
        mix(word_at(code, 8 * i));
        mix(word_at(code, tail + 8 * i));
    }
    let step = (code.len() / SAMPLES).max(1);
    for at in (0..code.len()).step_by(step).take(SAMPLES) {
        mix(word_at(code, at));
    }
    h
}

impl ModuleCache {
    /// A cache of at most `capacity` entries and `max_bytes` bytes.
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            max_bytes,
            inner: Mutex::default(),
        }
    }

    /// The contract compiled from `code`, with the cache's copy of the
    /// code (shared, so a hit copies nothing).
    pub(crate) fn get(&self, code: &[u8]) -> Option<(Contract, Arc<[u8]>)> {
        if self.capacity == 0 {
            return None;
        }
        let key = hash(code);
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.clock += 1;
        let now = inner.clock;
        let entry = inner
            .entries
            .iter_mut()
            .find(|e| e.hash == key && *e.code == *code)?;
        entry.used = now;
        Some((entry.contract.clone(), Arc::clone(&entry.code)))
    }

    /// Keeps `contract`, evicting the least recently used entries until it
    /// fits both bounds; a contract larger than the byte bound is not kept.
    pub(crate) fn insert(&self, code: Arc<[u8]>, contract: Contract) {
        let links = std::mem::size_of_val(&*contract.links);
        let bytes = code
            .len()
            .saturating_add(contract.module.footprint())
            .saturating_add(links);
        if self.capacity == 0 || bytes > self.max_bytes {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.clock += 1;
        let used = inner.clock;
        while inner.entries.len() >= self.capacity
            || inner.bytes.saturating_add(bytes) > self.max_bytes
        {
            let Some(oldest) = inner
                .entries
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| e.used)
                .map(|(i, _)| i)
            else {
                break;
            };
            let evicted = inner.entries.swap_remove(oldest);
            inner.bytes = inner.bytes.saturating_sub(evicted.bytes);
        }
        inner.bytes = inner.bytes.saturating_add(bytes);
        inner.entries.push(Entry {
            hash: hash(&code),
            code,
            contract,
            used,
            bytes,
        });
    }

    /// The bytes the entries hold together.
    pub(crate) fn bytes(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }

    pub(crate) fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }
}
