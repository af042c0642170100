//! Functions: handles, typed host functions, and calls from the host.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::caller::Caller;
use crate::error::{Error, ErrorKind};
use crate::exec;
use crate::store::{FuncKind, Store};
use crate::trap::Trap;
use crate::value::{FuncType, Val, ValType};
use crate::ExternRef;

/// A function in a store: defined by a module instance or by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

/// The untyped form of every host function: arguments come in the slice
/// and results go out through it (its length is the larger of the two).
pub type HostFn<T> = dyn Fn(Caller<'_, T>, &mut [u64]) -> Result<(), Trap> + Send + Sync + 'static;

/// A host function registered in a store.
pub(crate) struct HostFunc<T> {
    pub(crate) func: Arc<HostFn<T>>,
    pub(crate) params: usize,
    pub(crate) results: usize,
}

/// A host function before it is put in a store: what a linker holds.
#[doc(hidden)]
pub struct HostDef<T> {
    pub(crate) func: Arc<HostFn<T>>,
    pub(crate) ty: FuncType,
}

impl<T> Clone for HostDef<T> {
    fn clone(&self) -> Self {
        Self {
            func: Arc::clone(&self.func),
            ty: self.ty.clone(),
        }
    }
}

impl<T> HostDef<T> {
    /// Puts the function in `store`.
    pub(crate) fn instantiate(&self, store: &mut Store<T>) -> Func {
        let index = store.hosts.len() as u32;
        store.hosts.push(HostFunc {
            func: Arc::clone(&self.func),
            params: self.ty.params().len(),
            results: self.ty.results().len(),
        });
        let ty = store.inner.engine.type_id(&self.ty);
        store.inner.host_types.push(ty);
        let func = store.inner.funcs.len() as u32;
        store.inner.funcs.push(crate::store::FuncEntity {
            ty,
            kind: FuncKind::Host { index },
        });
        Func {
            store: store.id(),
            index: func,
        }
    }
}

impl Func {
    /// A host function in `store`, its Wasm type derived from the Rust
    /// signature of `func`.
    ///
    /// ```
    /// use engine::{Caller, Engine, Func, Store};
    /// let engine = Engine::default();
    /// let mut store = Store::new(&engine, ());
    /// let add = Func::wrap(&mut store, |_: Caller<'_, ()>, a: i32, b: i32| a.wrapping_add(b));
    /// let add = add.typed::<(i32, i32), i32>(&store)?;
    /// assert_eq!(add.call(&mut store, (2, 3))?, 5);
    /// # Ok::<(), engine::Error>(())
    /// ```
    pub fn wrap<T, Params, Results>(
        store: &mut Store<T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        func.into_def().instantiate(store)
    }

    /// The function's type.
    ///
    /// # Panics
    ///
    /// If the function belongs to another store.
    pub fn ty<T>(&self, store: &Store<T>) -> FuncType {
        assert_eq!(self.store, store.id(), "Func used with another store");
        let entity = store.inner.funcs[self.index as usize];
        store.inner.engine.func_type(entity.ty)
    }

    /// The index of the function within its store.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Calls the function with `params`, writing `results`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if the arguments or the results slice do not match
    /// the function's type, [`ErrorKind::WrongStore`] for a handle of another
    /// store, and [`ErrorKind::Trap`] if the execution traps.
    pub fn call<T>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        if self.store != store.id() {
            return Err(Error::new(ErrorKind::WrongStore));
        }
        let ty = self.ty(store);
        if params.len() != ty.params().len()
            || params.iter().zip(ty.params()).any(|(v, t)| v.ty() != *t)
        {
            return Err(Error::type_mismatch(format!(
                "arguments do not match the function type {ty}"
            )));
        }
        if results.len() != ty.results().len() {
            return Err(Error::type_mismatch(format!(
                "{} result slots given for the function type {ty}",
                results.len()
            )));
        }
        let mut raw = Vec::with_capacity(params.len().max(results.len()));
        for param in params {
            raw.push(store.inner.val_to_raw(param)?);
        }
        raw.resize(params.len().max(results.len()), 0);
        exec::call(store, self.index, &mut raw)?;
        for ((result, raw), ty) in results.iter_mut().zip(&raw).zip(ty.results()) {
            *result = store.inner.raw_to_val(*raw, *ty);
        }
        Ok(())
    }

    /// A typed view of the function, for calls without `Val` boxing.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Type`] if `Params` and `Results` do not match the
    /// function's type.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: &Store<impl Sized>,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        if self.store != store.id() {
            return Err(Error::new(ErrorKind::WrongStore));
        }
        let matches =
            |ty: &FuncType| Params::matches(ty.params()) && Results::matches(ty.results());
        // A Wasm function's type is its module's: no lock of the engine's
        // type registry (every contract execution types its `main`).
        let matched = match store.inner.funcs[self.index as usize].kind {
            FuncKind::Wasm { instance, index } => {
                let module = &store.inner.instances[instance as usize].module;
                matches(module.func_type(module.num_imported_funcs + index))
            }
            FuncKind::Host { .. } => matches(&self.ty(store)),
        };
        if !matched {
            let ty = self.ty(store);
            return Err(Error::type_mismatch(format!("the function's type is {ty}")));
        }
        Ok(TypedFunc {
            func: *self,
            _marker: PhantomData,
        })
    }
}

/// A function whose Wasm type is checked once against `Params -> Results`.
#[derive(Debug)]
pub struct TypedFunc<Params, Results> {
    func: Func,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Params, Results> Copy for TypedFunc<Params, Results> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// Calls the function.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Trap`] if the execution traps.
    pub fn call<T>(&self, store: &mut Store<T>, params: Params) -> Result<Results, Error> {
        self.call_or_trap(store, params)?.map_err(Error::from)
    }

    /// Calls the function as [`TypedFunc::call`] does, but gives a trap
    /// back as it is rather than inside an [`Error`]: nothing is allocated
    /// on the way out, for embedders whose runs end with a trap as a
    /// matter of course (an Ewasm contract's `finish` is a
    /// [`Trap::halt`]).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WrongStore`] if `store` is not the function's. The
    /// inner `Err` is the execution's trap.
    pub fn call_or_trap<T>(
        &self,
        store: &mut Store<T>,
        params: Params,
    ) -> Result<Result<Results, Trap>, Error> {
        if self.func.store != store.id() {
            return Err(Error::new(ErrorKind::WrongStore));
        }
        let mut raw = [0u64; 16];
        let len = Params::LEN.max(Results::LEN);
        let mut heap;
        let slots: &mut [u64] = if len <= raw.len() {
            &mut raw[..len]
        } else {
            heap = vec![0u64; len];
            &mut heap
        };
        params.store_raw(slots);
        Ok(
            exec::call(store, self.func.index, slots)
                .map(|()| Results::load_raw(store.id(), slots)),
        )
    }

    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
}

/// A Rust type that is a WebAssembly value type.
pub trait WasmTy: Sized + Send + 'static {
    /// Its value type.
    const TY: ValType;
    #[doc(hidden)]
    fn into_raw(self) -> u64;
    #[doc(hidden)]
    fn from_raw(store: u32, raw: u64) -> Self;
}

macro_rules! wasm_ty {
    ($($t:ty => $vt:ident, |$v:ident| $into:expr, |$r:ident| $from:expr;)*) => {
        $( impl WasmTy for $t {
            const TY: ValType = ValType::$vt;
            fn into_raw(self) -> u64 { let $v = self; $into }
            fn from_raw(_store: u32, raw: u64) -> Self { let $r = raw; $from }
        } )*
    };
}

wasm_ty! {
    i32 => I32, |v| u64::from(v as u32), |r| r as u32 as i32;
    u32 => I32, |v| u64::from(v), |r| r as u32;
    i64 => I64, |v| v as u64, |r| r as i64;
    u64 => I64, |v| v, |r| r;
    f32 => F32, |v| u64::from(v.to_bits()), |r| f32::from_bits(r as u32);
    f64 => F64, |v| v.to_bits(), |r| f64::from_bits(r);
}

impl WasmTy for Option<Func> {
    const TY: ValType = ValType::FuncRef;
    fn into_raw(self) -> u64 {
        self.map_or(0, |f| u64::from(f.index) + 1)
    }
    fn from_raw(store: u32, raw: u64) -> Self {
        (raw != 0).then(|| Func {
            store,
            index: (raw - 1) as u32,
        })
    }
}

impl WasmTy for Option<ExternRef> {
    const TY: ValType = ValType::ExternRef;
    fn into_raw(self) -> u64 {
        self.map_or(0, |r| u64::from(r.index) + 1)
    }
    fn from_raw(store: u32, raw: u64) -> Self {
        (raw != 0).then(|| ExternRef {
            store,
            index: (raw - 1) as u32,
        })
    }
}

/// The parameters of a typed function: a [`WasmTy`] or a tuple of them.
pub trait WasmParams: Sized + Send + 'static {
    /// How many values.
    const LEN: usize;
    #[doc(hidden)]
    fn matches(types: &[ValType]) -> bool;
    #[doc(hidden)]
    fn store_raw(self, raw: &mut [u64]);
    #[doc(hidden)]
    fn load_raw(store: u32, raw: &[u64]) -> Self;
    #[doc(hidden)]
    fn types() -> Vec<ValType>;
}

/// The results of a typed function: a [`WasmTy`] or a tuple of them.
pub trait WasmResults: WasmParams {}
impl<P: WasmParams> WasmResults for P {}

impl<A: WasmTy> WasmParams for A {
    const LEN: usize = 1;
    fn matches(types: &[ValType]) -> bool {
        types == [A::TY]
    }
    fn store_raw(self, raw: &mut [u64]) {
        raw[0] = self.into_raw();
    }
    fn load_raw(store: u32, raw: &[u64]) -> Self {
        A::from_raw(store, raw[0])
    }
    fn types() -> Vec<ValType> {
        vec![A::TY]
    }
}

macro_rules! tuple_params {
    ($n:literal; $($t:ident $i:tt),*) => {
        impl<$($t: WasmTy),*> WasmParams for ($($t,)*) {
            const LEN: usize = $n;
            fn matches(types: &[ValType]) -> bool {
                types == [$($t::TY),*]
            }
            #[allow(unused_variables)]
            fn store_raw(self, raw: &mut [u64]) {
                $( raw[$i] = self.$i.into_raw(); )*
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn load_raw(store: u32, raw: &[u64]) -> Self {
                ($($t::from_raw(store, raw[$i]),)*)
            }
            fn types() -> Vec<ValType> {
                vec![$($t::TY),*]
            }
        }
    };
}

tuple_params!(0;);
tuple_params!(1; A 0);
tuple_params!(2; A 0, B 1);
tuple_params!(3; A 0, B 1, C 2);
tuple_params!(4; A 0, B 1, C 2, D 3);
tuple_params!(5; A 0, B 1, C 2, D 3, E 4);
tuple_params!(6; A 0, B 1, C 2, D 3, E 4, F 5);
tuple_params!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_params!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_params!(9; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_params!(10; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_params!(11; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_params!(12; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// What a host function returns: results, or results and a trap.
pub trait HostResults: Send + 'static {
    /// The results' types.
    type Results: WasmResults;
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Results, Trap>;
}

impl<R: WasmResults> HostResults for R {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        Ok(self)
    }
}

impl<R: WasmResults> HostResults for Result<R, Trap> {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        self
    }
}

/// A Rust closure usable as a host function: `Fn(Caller<'_, T>, A, B, …) -> R`
/// where the arguments are [`WasmTy`]s and `R` is [`HostResults`].
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_def(self) -> HostDef<T>;

    /// Calls the function with its arguments read from `raw`, leaving its
    /// results there: the untyped calling convention of [`HostFn`], for
    /// bodies shared across stores
    /// ([`Store::instantiate_with`](crate::Store::instantiate_with)).
    ///
    /// # Errors
    ///
    /// The function's trap.
    fn call_raw(&self, caller: Caller<'_, T>, raw: &mut [u64]) -> Result<(), Trap>;

    /// The function's Wasm type, from its Rust signature.
    fn func_type(&self) -> FuncType;
}

macro_rules! into_func {
    ($($t:ident $v:ident),*) => {
        impl<T, F, R, $($t: WasmTy),*> IntoFunc<T, ($($t,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($t),*) -> R + Send + Sync + 'static,
            R: HostResults,
        {
            fn into_def(self) -> HostDef<T> {
                let ty = self.func_type();
                let func = move |caller: Caller<'_, T>, raw: &mut [u64]| -> Result<(), Trap> {
                    self.call_raw(caller, raw)
                };
                HostDef { func: Arc::new(func), ty }
            }

            fn call_raw(&self, caller: Caller<'_, T>, raw: &mut [u64]) -> Result<(), Trap> {
                let store = caller.store_id();
                let ($($v,)*) = <($($t,)*) as WasmParams>::load_raw(store, raw);
                let results = self(caller, $($v),*).into_result()?;
                results.store_raw(raw);
                Ok(())
            }

            fn func_type(&self) -> FuncType {
                FuncType::new(
                    <($($t,)*) as WasmParams>::types(),
                    <R::Results as WasmParams>::types(),
                )
            }
        }
    };
}

into_func!();
into_func!(A a);
into_func!(A a, B b);
into_func!(A a, B b, C c);
into_func!(A a, B b, C c, D d);
into_func!(A a, B b, C c, D d, E e);
into_func!(A a, B b, C c, D d, E e, F2 f);
into_func!(A a, B b, C c, D d, E e, F2 f, G g);
into_func!(A a, B b, C c, D d, E e, F2 f, G g, H h);
into_func!(A a, B b, C c, D d, E e, F2 f, G g, H h, I i);
into_func!(A a, B b, C c, D d, E e, F2 f, G g, H h, I i, J j);
into_func!(A a, B b, C c, D d, E e, F2 f, G g, H h, I i, J j, K k);
into_func!(A a, B b, C c, D d, E e, F2 f, G g, H h, I i, J j, K k, L l);

#[cfg(feature = "testing")]
impl<T> HostDef<T> {
    /// A host function from an untyped closure and an explicit type.
    pub(crate) fn new_untyped(
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &mut [u64]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Self {
        Self {
            func: Arc::new(func),
            ty,
        }
    }
}
