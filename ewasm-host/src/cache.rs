//! A bounded, least-recently-used cache of compiled contracts, keyed by
//! their code: a repeated call skips decode, validate and translate.
//!
//! Bounded twice: by entries (`cache_size`) and by bytes (`cache_bytes`:
//! each entry counts its code and what its compiled module holds,
//! `Module::footprint`), so 64 entries of large contracts cannot hold
//! gigabytes. A module translated lazily grows as its functions are first
//! called: each hit counts it again and evicts others to keep the bound,
//! so the bound holds whenever the cache hands a module out (a running
//! contract may add at most its own functions' code until its next hit).

use std::sync::{Arc, Mutex, PoisonError};

use engine::Module;

/// A compiled contract: its module, for each of its imports the index of
/// the EEI function it links to (found by name once, at compilation), and
/// the pages of its exported memories (what its initial memory is priced
/// by, read once rather than from the exports at every call).
#[derive(Clone)]
pub(crate) struct Contract {
    pub(crate) module: Module,
    /// Its `main`, found once: each execution takes it from its instance
    /// without looking the name up.
    pub(crate) main: engine::ModuleExport,
    pub(crate) links: Arc<[u16]>,
    pub(crate) memory_pages: u64,
    /// An instance of the module kept from an earlier execution
    /// ([`crate::kept`]).
    pub(crate) kept: Arc<crate::kept::Slot>,
}

/// A compiled contract and its code, shared: a hit hands out one `Arc`
/// (each of the contract's own would be one more count to change, twice,
/// per execution).
pub(crate) struct Compiled {
    pub(crate) contract: Contract,
    pub(crate) code: Arc<[u8]>,
}

struct Entry {
    hash: u64,
    compiled: Arc<Compiled>,
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

impl Inner {
    /// Evicts the least recently used entry, but the one last used at
    /// `keep`: whether there was one to evict.
    fn evict_oldest(&mut self, keep: Option<u64>) -> bool {
        let oldest = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| Some(e.used) != keep)
            .min_by_key(|(_, e)| e.used)
            .map(|(i, _)| i);
        let Some(oldest) = oldest else {
            return false;
        };
        self.remove(oldest);
        true
    }

    /// Removes entry `at`, and its bytes from the count.
    fn remove(&mut self, at: usize) {
        let removed = self.entries.swap_remove(at);
        self.bytes = self.bytes.saturating_sub(removed.bytes);
    }
}

/// Words sampled from each end of the code, and words sampled between.
const END_WORDS: usize = 4;
const SAMPLES: usize = 16;

/// The little-endian word of the 8 bytes of `code` from `at` (zero
/// past the end; the callers stay within it).
fn word_at(code: &[u8], at: usize) -> u64 {
    code.get(at..at.saturating_add(8))
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .map_or(0, u64::from_le_bytes)
}

/// A hash of the code's length, its first and last 32 bytes, and words
/// spread evenly between: constant work whatever the code's size (hashing
/// every byte of a 45 KB contract took about 3 µs per call; sampling 64
/// bytes at each end byte by byte and 64 words between took 0.3 µs, a
/// tenth of a small contract's call). A hit still compares the whole code,
/// so codes that share the sample cost one comparison more, never a wrong
/// module.
///
/// Every word is read whole (the last one ends at the code's end), at
/// offsets from one division, and mixed in four lanes, each taking every
/// fourth word, so that no multiplication waits for more than its lane's
/// previous one: stepping through the code and reading its ragged end
/// byte by byte, as one chain of 25, cost 5% of a small contract's call.
fn hash(code: &[u8]) -> u64 {
    let mix = |h: u64, word: u64| {
        (h ^ word)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(29)
    };
    let Some(last) = code.len().checked_sub(8) else {
        // Shorter than a word: its bytes, zero-padded.
        let mut word = [0u8; 8];
        word[..code.len()].copy_from_slice(code);
        return mix(code.len() as u64, u64::from_le_bytes(word));
    };
    let mut words = [0u64; 2 * END_WORDS + SAMPLES];
    for i in 0..END_WORDS {
        words[2 * i] = word_at(code, (8 * i).min(last));
        words[2 * i + 1] = word_at(code, last.saturating_sub(8 * i));
    }
    let step = last / SAMPLES;
    for (i, word) in words[2 * END_WORDS..].iter_mut().enumerate() {
        *word = word_at(code, i * step);
    }
    let mut lanes = [0xcbf2_9ce4_8422_2325_u64, 1, 2, 3];
    for chunk in words.chunks_exact(lanes.len()) {
        for (lane, &word) in lanes.iter_mut().zip(chunk) {
            *lane = mix(*lane, word);
        }
    }
    lanes
        .iter()
        .fold(code.len() as u64, |h, &lane| mix(h, lane))
}

impl Compiled {
    /// What it holds: its code, its module (as it is now: it grows as
    /// functions are translated at their first calls) and its links.
    fn bytes(&self) -> usize {
        self.code
            .len()
            .saturating_add(self.contract.module.footprint())
            .saturating_add(std::mem::size_of_val(&*self.contract.links))
    }
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
    pub(crate) fn get(&self, code: &[u8]) -> Option<Arc<Compiled>> {
        if self.capacity == 0 {
            return None;
        }
        let key = hash(code);
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.clock += 1;
        let now = inner.clock;
        let at = inner
            .entries
            .iter()
            .position(|e| e.hash == key && *e.compiled.code == *code)?;
        let entry = &mut inner.entries[at];
        entry.used = now;
        let found = Arc::clone(&entry.compiled);
        // Its module grew if functions were translated since at their
        // first calls: counted now, and the least recently used others
        // evicted until the bound holds again.
        let bytes = found.bytes();
        if bytes > self.max_bytes {
            // Alone over the bound: not kept, as `insert` would not keep it.
            inner.remove(at);
        } else if bytes != entry.bytes {
            let old = std::mem::replace(&mut entry.bytes, bytes);
            inner.bytes = inner.bytes.saturating_sub(old).saturating_add(bytes);
            while inner.bytes > self.max_bytes && inner.evict_oldest(Some(now)) {}
        }
        Some(found)
    }

    /// Keeps `contract`, evicting the least recently used entries until it
    /// fits both bounds; a contract larger than the byte bound is not kept.
    pub(crate) fn insert(&self, compiled: Arc<Compiled>) {
        let bytes = compiled.bytes();
        if self.capacity == 0 || bytes > self.max_bytes {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.clock += 1;
        let used = inner.clock;
        while (inner.entries.len() >= self.capacity
            || inner.bytes.saturating_add(bytes) > self.max_bytes)
            && inner.evict_oldest(None)
        {}
        inner.bytes = inner.bytes.saturating_add(bytes);
        inner.entries.push(Entry {
            hash: hash(&compiled.code),
            compiled,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A module of one exported function of about `ops` operators,
    /// translated at its first call.
    fn lazy_module(engine: &engine::Engine, ops: usize) -> (Arc<[u8]>, Contract) {
        let body = "(local.set 0 (i32.add (local.get 0) (i32.const 3)))\n".repeat(ops);
        let code = wat::parse_str(format!(
            r#"(module (func (export "main") (local i32) {body}))"#
        ))
        .expect("valid text");
        let module = Module::new(engine, &code).expect("compiles");
        let contract = Contract {
            main: module.get_export_index("main").expect("exported"),
            module,
            links: Arc::from([]),
            memory_pages: 0,
            kept: Arc::default(),
        };
        (Arc::from(code), contract)
    }

    fn compiled(code: &Arc<[u8]>, contract: Contract) -> Arc<Compiled> {
        Arc::new(Compiled {
            contract,
            code: Arc::clone(code),
        })
    }

    /// Runs `contract`'s `main`: its function is translated.
    fn run(engine: &engine::Engine, contract: &Contract) {
        let mut store = engine::Store::new(engine, ());
        let instance = engine::Linker::new(engine)
            .instantiate(&mut store, &contract.module)
            .expect("instantiates");
        let main = instance.get_func(&store, "main").expect("exported");
        main.call(&mut store, &[], &mut []).expect("runs");
    }

    #[test]
    fn a_word_is_the_little_endian_bytes_from_its_offset_and_zero_past_the_end() {
        let code: Vec<u8> = (1..=20).collect();
        for at in 0..=12 {
            let bytes: [u8; 8] = code[at..at + 8].try_into().expect("8 bytes");
            assert_eq!(word_at(&code, at), u64::from_le_bytes(bytes), "at {at}");
        }
        for at in [13, 19, 20, 24, usize::MAX] {
            assert_eq!(word_at(&code, at), 0, "at {at}");
        }
    }

    #[test]
    fn the_hash_sees_the_length_and_every_byte_of_both_ends() {
        // Zeroed codes of every length up to 100: the length alone tells
        // them apart.
        let hashes: std::collections::HashSet<u64> =
            (0..=100).map(|len| hash(&vec![0u8; len])).collect();
        assert_eq!(hashes.len(), 101);
        // A byte changed in the first or last 32 bytes, at every length
        // (shorter codes are all ends).
        for len in 1..=80usize {
            let code: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let ends = (0..len.min(32)).chain(len.saturating_sub(32)..len);
            for at in ends {
                let mut changed = code.clone();
                changed[at] ^= 0x80;
                assert_ne!(hash(&code), hash(&changed), "length {len}, byte {at}");
            }
        }
    }

    #[test]
    fn a_hit_counts_what_lazy_translation_added_and_keeps_the_bound() {
        let engine = engine::Engine::default();
        // What a module like `a` holds before and after its first call.
        let (code_p, probe) = lazy_module(&engine, 2_000);
        let probe = compiled(&code_p, probe);
        let untranslated = probe.bytes();
        run(&engine, &probe.contract);
        let translated = probe.bytes();
        assert!(
            translated > 2 * untranslated,
            "{untranslated} -> {translated}"
        );
        // Room for `a` translated, or both untranslated; not for `a`
        // translated beside `b`.
        let (code_a, a) = lazy_module(&engine, 2_000);
        let (code_b, b) = lazy_module(&engine, 2_001);
        let cache = ModuleCache::new(8, translated + untranslated / 2);
        cache.insert(compiled(&code_b, b));
        cache.insert(compiled(&code_a, a.clone()));
        assert_eq!(cache.len(), 2);
        run(&engine, &a);
        // The next hit counts `a`'s growth and evicts `b`.
        assert!(cache.get(&code_a).is_some());
        assert_eq!((cache.len(), cache.bytes()), (1, translated));
        assert!(cache.get(&code_b).is_none());
        // Under a bound `a` alone exceeds once translated, a hit still
        // gives it but keeps it no longer.
        let small = ModuleCache::new(8, translated - 1);
        let (code_c, c) = lazy_module(&engine, 2_000);
        small.insert(compiled(&code_c, c.clone()));
        run(&engine, &c);
        assert!(small.get(&code_c).is_some());
        assert_eq!((small.len(), small.bytes()), (0, 0));
    }
}
