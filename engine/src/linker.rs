//! The linker: named definitions that satisfy a module's imports.

use std::collections::BTreeMap;

use crate::engine::Engine;
use crate::error::{Error, ErrorKind, LinkError, LinkErrorReason};
use crate::extern_::Extern;
use crate::func::{HostDef, IntoFunc};
use crate::instance::{instantiate, Instance};
use crate::module::{ImportDesc, ImportKind, Module};
use crate::store::Store;
use crate::value::{limits_match, FuncType};

/// Definitions by `(module, name)`, used to instantiate modules.
///
/// An instance can reach only what its linker defines: there is no global
/// registry. An import with no definition fails with a [`LinkError`] that
/// names it.
///
/// ```
/// use engine::{Caller, Engine, Linker, Module, Store};
/// let engine = Engine::default();
/// let module = Module::from_wat(&engine, r#"
///     (module (import "host" "double" (func $d (param i32) (result i32)))
///             (func (export "run") (result i32) (call $d (i32.const 21))))"#)?;
/// let mut linker = Linker::new(&engine);
/// linker.func_wrap("host", "double", |_: Caller<'_, ()>, x: i32| x * 2)?;
/// let mut store = Store::new(&engine, ());
/// let instance = linker.instantiate(&mut store, &module)?;
/// let run = instance.get_func(&store, "run").unwrap().typed::<(), i32>(&store)?;
/// assert_eq!(run.call(&mut store, ())?, 42);
/// # Ok::<(), engine::Error>(())
/// ```
pub struct Linker<T> {
    engine: Engine,
    /// By module name, then field name (looked up by `&str`: resolving an
    /// import allocates nothing).
    defs: BTreeMap<String, BTreeMap<String, Definition<T>>>,
}

enum Definition<T> {
    Extern(Extern),
    Host(HostDef<T>),
}

impl<T> Linker<T> {
    /// An empty linker for `engine`'s modules.
    pub fn new(engine: &Engine) -> Self {
        Self {
            engine: engine.clone(),
            defs: BTreeMap::new(),
        }
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self, Error> {
        if self.def(module, name).is_some() {
            return Err(LinkError {
                module: module.to_string(),
                field: name.to_string(),
                reason: LinkErrorReason::Duplicate,
            }
            .into());
        }
        self.defs
            .entry(module.to_string())
            .or_default()
            .insert(name.to_string(), def);
        Ok(self)
    }

    /// The definition of `module::name`, if there is one.
    fn def(&self, module: &str, name: &str) -> Option<&Definition<T>> {
        self.defs.get(module)?.get(name)
    }

    /// Defines `module::name` as an entity of a store.
    ///
    /// # Errors
    ///
    /// A [`LinkError`] if the name is already defined.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines `module::name` as a host function; its Wasm type comes from
    /// the Rust signature.
    ///
    /// # Errors
    ///
    /// A [`LinkError`] if the name is already defined.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Host(func.into_def()))
    }

    /// Defines `module::name` as a host function of an explicit type that
    /// takes its arguments and leaves its results in one slice of raw
    /// values (the larger of the two lengths). A raw `i32` or `f32` is in
    /// the lower 32 bits of its slot; the upper bits of an argument are
    /// unspecified.
    ///
    /// Behind the `testing` feature: raw slots bypass the types that
    /// [`Linker::func_wrap`] derives from the Rust signature, and only the
    /// workspace's benchmarks (stub imports of any type) need that.
    ///
    /// # Errors
    ///
    /// A [`LinkError`] if the name is already defined.
    #[cfg(feature = "testing")]
    pub fn func_new_raw(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(crate::Caller<'_, T>, &mut [u64]) -> Result<(), crate::Trap>
            + Send
            + Sync
            + 'static,
    ) -> Result<&mut Self, Error> {
        self.insert(
            module,
            name,
            Definition::Host(HostDef::new_untyped(ty, func)),
        )
    }

    /// Defines every export of `instance` under the module name `module`.
    ///
    /// # Errors
    ///
    /// A [`LinkError`] if a name is already defined.
    pub fn instance(
        &mut self,
        store: &mut Store<T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        let exports: Vec<(String, Extern)> = instance
            .exports(store)
            .map(|(name, ext)| (name.to_string(), ext))
            .collect();
        for (name, ext) in exports {
            self.define(module, &name, ext)?;
        }
        Ok(self)
    }

    /// The type of the host function defined as `module::name`, if one is.
    pub fn host_func_type(&self, module: &str, name: &str) -> Option<FuncType> {
        match self.def(module, name)? {
            Definition::Host(def) => Some(def.ty.clone()),
            Definition::Extern(_) => None,
        }
    }

    /// Whether anything is defined under the module name `module`.
    pub fn defines_module(&self, module: &str) -> bool {
        self.defs.get(module).is_some_and(|defs| !defs.is_empty())
    }

    /// The definition of `module::name`, if it is a store entity.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        match self.def(module, name)? {
            Definition::Extern(ext) => Some(*ext),
            Definition::Host(_) => None,
        }
    }

    /// Resolves the imports of `module`, instantiates it in `store`, runs
    /// its segment initialization and its start function.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Link`] for a missing or mistyped import,
    /// [`ErrorKind::Limit`] for a memory or table over the limits, and
    /// [`ErrorKind::Trap`] if a segment does not fit or the start function
    /// traps (the instance's effects on imported entities then remain).
    pub fn instantiate(&self, store: &mut Store<T>, module: &Module) -> Result<Instance, Error> {
        if !module.engine().same(&self.engine) || !store.engine().same(&self.engine) {
            return Err(Error::type_mismatch(
                "the module, linker and store must share one engine",
            ));
        }
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for import in &module.inner.imports {
            imports.push(self.resolve(store, module, import)?);
        }
        instantiate(store, module, &imports)
    }

    fn resolve(
        &self,
        store: &mut Store<T>,
        module: &Module,
        import: &ImportDesc,
    ) -> Result<Extern, Error> {
        let fail = |reason: LinkErrorReason| -> Error {
            LinkError {
                module: import.module.clone(),
                field: import.name.clone(),
                reason,
            }
            .into()
        };
        let incompatible = |why: String| fail(LinkErrorReason::Incompatible(why));
        let ext = match self.def(&import.module, &import.name) {
            None => return Err(fail(LinkErrorReason::Unknown)),
            Some(Definition::Host(def)) => match import.kind {
                ImportKind::Func(_) => {
                    let func = def.instantiate(store);
                    if store.inner.profile.is_some() || store.host_hook.is_some() {
                        let name = format!("{}.{}", import.module, import.name);
                        store.inner.host_names.insert(func.index, name);
                    }
                    Extern::Func(func)
                }
                _ => return Err(incompatible("a function is defined".into())),
            },
            Some(Definition::Extern(ext)) => *ext,
        };
        if ext.store() != store.id() {
            return Err(Error::new(ErrorKind::WrongStore));
        }
        let inner = &store.inner;
        match (&import.kind, ext) {
            (ImportKind::Func(ty), Extern::Func(f)) => {
                let actual = inner.funcs[f.index as usize].ty;
                let wanted = module.inner.type_ids[*ty as usize];
                if actual != wanted {
                    let actual = inner.engine.func_type(actual);
                    let wanted = &module.inner.types[*ty as usize];
                    return Err(incompatible(format!(
                        "function of type {actual}, expected {wanted}"
                    )));
                }
            }
            (ImportKind::Table(ty), Extern::Table(t)) => {
                let table = &inner.tables[t.index as usize];
                let actual = (table.elems.len() as u64, table.ty.max.map(u64::from));
                let wanted = (u64::from(ty.min), ty.max.map(u64::from));
                if table.ty.element != ty.element || !limits_match(actual, wanted) {
                    return Err(incompatible("table type or limits".into()));
                }
            }
            (ImportKind::Memory(ty), Extern::Memory(mem)) => {
                let memory = &inner.memories[mem.index as usize];
                let actual = (u64::from(memory.pages()), memory.ty.max.map(u64::from));
                let wanted = (u64::from(ty.min), ty.max.map(u64::from));
                if !limits_match(actual, wanted) {
                    return Err(incompatible("memory limits".into()));
                }
            }
            (ImportKind::Global(ty), Extern::Global(g)) => {
                if inner.globals[g.index as usize].ty != *ty {
                    return Err(incompatible("global type".into()));
                }
            }
            _ => return Err(incompatible("an entity of another kind is defined".into())),
        }
        Ok(ext)
    }
}
