//! Instantiation with host functions given directly, without a
//! [`Linker`](crate::Linker): for embedders that instantiate a module per
//! call and already hold its host functions (shared bodies, built once), so
//! that linking costs no name copied, no map built and no type looked up.

use std::sync::Arc;

use crate::error::{Error, LinkError, LinkErrorReason};
use crate::extern_::Extern;
use crate::func::{Func, HostFn, HostFunc};
use crate::instance::{instantiate, Instance};
use crate::module::{ImportDesc, ImportKind, Module, ModuleInner};
use crate::store::{FuncEntity, FuncKind, Store};
use crate::value::FuncType;

/// A host function for one import ([`Store::instantiate_with`]): its body,
/// shared, and its type.
pub struct HostImport<'a, T> {
    /// The body, called with the arguments in the slice and leaving the
    /// results in it ([`Linker::func_wrap`](crate::Linker::func_wrap)'s
    /// calling convention). [`IntoFunc::call_raw`](crate::IntoFunc) makes
    /// one of a typed Rust function.
    pub func: Arc<HostFn<T>>,
    /// Its type: it must be the import's.
    pub ty: &'a FuncType,
}

impl<T> Store<T> {
    /// Instantiates `module` as [`Linker::instantiate`](crate::Linker::instantiate)
    /// does, each import (all must be functions) linked to the host function
    /// `resolve(module, name)` gives; `resolve` is asked once per import,
    /// in the module's import order (so an embedder that resolved the
    /// imports before may just hand them out in turn). The store keeps the module alive as
    /// long as itself (the functions use its types).
    ///
    /// # Errors
    ///
    /// A [`LinkError`] for an import `resolve` does not give, one that is
    /// not a function, or one whose type is not the function's; then as
    /// [`Linker::instantiate`](crate::Linker::instantiate).
    pub fn instantiate_with<'a>(
        &mut self,
        module: &Module,
        mut resolve: impl FnMut(&str, &str) -> Option<HostImport<'a, T>>,
    ) -> Result<Instance, Error> {
        if !module.engine().same(self.engine()) {
            return Err(Error::type_mismatch(
                "the module and the store must share one engine",
            ));
        }
        let inner = &module.inner;
        // The functions below use the module's type ids, not references of
        // their own: the module (and so its types) lives as long as the
        // store, whether or not the instantiation succeeds.
        self.inner.pinned.push(module.clone());
        let named = self.inner.profile.is_some() || self.host_hook.is_some();
        // The store's vector for imports, given back below.
        let mut imports = std::mem::take(&mut self.inner.imports);
        imports.clear();
        imports.reserve(inner.imports.len());
        // The imports, then the module's own functions (`instantiate`).
        self.hosts.reserve(inner.imports.len());
        self.inner.funcs.reserve(inner.funcs.len());
        for import in &inner.imports {
            let (host, id) = host_func(inner, import, &mut resolve)?;
            let index = self.hosts.len() as u32;
            self.hosts.push(host);
            let func = self.inner.funcs.len() as u32;
            self.inner.funcs.push(FuncEntity {
                ty: id,
                kind: FuncKind::Host { index },
            });
            if named {
                let name = format!("{}.{}", import.module, import.name);
                self.inner.host_names.insert(func, name);
            }
            imports.push(Extern::Func(Func {
                store: self.id(),
                index: func,
            }));
        }
        let instance = instantiate(self, module, &imports);
        imports.clear();
        self.inner.imports = imports;
        instance
    }
}

/// The host function `resolve` gives for `import` of `module`, checked to
/// be a function of the import's type, and that type's engine-wide id: a
/// [`LinkError`] otherwise.
pub(crate) fn host_func<'a, T>(
    module: &ModuleInner,
    import: &ImportDesc,
    resolve: &mut impl FnMut(&str, &str) -> Option<HostImport<'a, T>>,
) -> Result<(HostFunc<T>, u32), Error> {
    let fail = |reason| -> Error {
        LinkError {
            module: import.module.clone(),
            field: import.name.clone(),
            reason,
        }
        .into()
    };
    let ImportKind::Func(ty) = import.kind else {
        let why = "only functions are given".to_string();
        return Err(fail(LinkErrorReason::Incompatible(why)));
    };
    let Some(host) = resolve(&import.module, &import.name) else {
        return Err(fail(LinkErrorReason::Unknown));
    };
    let (Some(wanted), Some(&id)) = (
        module.types.get(ty as usize),
        module.type_ids.get(ty as usize),
    ) else {
        return Err(fail(LinkErrorReason::Unknown));
    };
    if host.ty != wanted {
        let why = format!("function of type {}, expected {wanted}", host.ty);
        return Err(fail(LinkErrorReason::Incompatible(why)));
    }
    let host = HostFunc {
        func: host.func,
        params: wanted.params().len(),
        results: wanted.results().len(),
    };
    Ok((host, id))
}
