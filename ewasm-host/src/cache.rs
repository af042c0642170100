//! A bounded, least-recently-used cache of compiled contracts, keyed by
//! their code: a repeated call skips decode, validate and translate.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, PoisonError};

use engine::Module;

struct Entry {
    hash: u64,
    code: Box<[u8]>,
    module: Module,
    used: u64,
}

/// The cache. Thread-safe; a hit compares the whole code, so a hash
/// collision can never return the wrong module.
pub(crate) struct ModuleCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: Vec<Entry>,
    clock: u64,
}

fn hash(code: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    code.hash(&mut hasher);
    hasher.finish()
}

impl ModuleCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::default(),
        }
    }

    pub(crate) fn get(&self, code: &[u8]) -> Option<Module> {
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
        Some(entry.module.clone())
    }

    pub(crate) fn insert(&self, code: &[u8], module: Module) {
        if self.capacity == 0 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.clock += 1;
        let used = inner.clock;
        if inner.entries.len() >= self.capacity {
            if let Some(oldest) = inner
                .entries
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| e.used)
                .map(|(i, _)| i)
            {
                inner.entries.swap_remove(oldest);
            }
        }
        inner.entries.push(Entry {
            hash: hash(code),
            code: code.into(),
            module,
            used,
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }
}
