//! The engine: configuration plus the registry of function types shared by
//! every module compiled with it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::config::Config;
use crate::exec::ValueStack;
use crate::value::FuncType;

/// Value stacks kept for reuse by the engine's stores: allocating one
/// (half a megabyte, zeroed) is most of the cost of a short call in a fresh
/// store.
const POOLED_STACKS: usize = 8;

/// Compiles modules and creates stores with one [`Config`].
///
/// Cheap to clone: clones share the configuration and the type registry,
/// so that `call_indirect` compares function types by one integer.
///
/// ```
/// let engine = engine::Engine::default();
/// let module = engine::Module::from_wat(&engine, "(module)")?;
/// # let _ = module;
/// # Ok::<(), engine::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

#[derive(Debug, Default)]
struct EngineInner {
    config: Config,
    types: Mutex<TypeRegistry>,
    stacks: Mutex<Vec<ValueStack>>,
}

#[derive(Debug, Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    types: Vec<FuncType>,
}

impl Engine {
    /// An engine with the given configuration.
    pub fn new(config: &Config) -> Self {
        Self {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                types: Mutex::default(),
                stacks: Mutex::default(),
            }),
        }
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The engine-wide id of a function type: equal types, equal ids.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        // The registry holds no invariant a panic elsewhere could break.
        let mut registry = self
            .inner
            .types
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = registry.ids.get(ty) {
            return id;
        }
        let id = registry.types.len() as u32;
        registry.types.push(ty.clone());
        registry.ids.insert(ty.clone(), id);
        id
    }

    /// The function type with engine-wide id `id`.
    pub(crate) fn func_type(&self, id: u32) -> FuncType {
        let registry = self
            .inner
            .types
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        registry
            .types
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| FuncType::new([], []))
    }

    /// A value stack from the pool, if one is there.
    pub(crate) fn take_stack(&self) -> Option<ValueStack> {
        self.inner
            .stacks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    /// Gives a value stack back to the pool (dropped if the pool is full).
    pub(crate) fn return_stack(&self, stack: ValueStack) {
        let mut stacks = self
            .inner
            .stacks
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if stacks.len() < POOLED_STACKS {
            stacks.push(stack);
        }
    }

    /// Whether two engines are the same one.
    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
