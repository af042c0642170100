//! Code offsets of translated instructions, found on demand: the engine
//! keeps no map from its code back to the binary, so the function is
//! translated again from the binary, noting where each instruction comes
//! from.

use wasmparser::{Parser, Payload, TypeRef, ValidPayload, Validator};

use super::parse::FEATURES;
use super::ModuleInner;
use crate::translate::translate_with_origins;

/// The binary offset of the operator that instruction `instr` of defined
/// function `func` of `module` comes from, with `bytes` the binary the
/// module was compiled from.
///
/// The module's sections are validated up to the code section (and checked
/// to declare the types and functions the module has), then the one
/// function is validated and translated again; its code must be the code
/// the module holds, instruction for instruction. `None` if anything
/// differs: `bytes` is then not the module's binary.
pub(crate) fn code_offset(
    module: &ModuleInner,
    bytes: &[u8],
    func: u32,
    instr: u32,
) -> Option<u32> {
    origins(module, bytes, func)?.get(instr as usize).copied()
}

/// For each instruction of defined function `func` of `module`, the binary
/// offset of the operator it comes from (see [`code_offset`]).
fn origins(module: &ModuleInner, bytes: &[u8], func: u32) -> Option<Vec<u32>> {
    let compiled = module.compiled(func)?;
    let mut validator = Validator::new_with_features(FEATURES);
    let mut parser = Parser::new(0);
    parser.set_features(FEATURES);
    // The type of every function, imports first, as `bytes` declares them.
    let mut funcs = Vec::new();
    let mut types = 0usize;
    let mut defined = 0u32;
    for payload in parser.parse_all(bytes) {
        let payload = payload.ok()?;
        match &payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone() {
                    for sub in group.ok()?.into_types() {
                        let wasmparser::CompositeInnerType::Func(ty) = &sub.composite_type.inner
                        else {
                            return None;
                        };
                        let arity = (ty.params().len(), ty.results().len());
                        let known = module.types.get(types)?;
                        if arity != (known.params().len(), known.results().len()) {
                            return None;
                        }
                        types += 1;
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for group in reader.clone() {
                    for import in group.ok()? {
                        let (_, import) = import.ok()?;
                        if let TypeRef::Func(ty) | TypeRef::FuncExact(ty) = import.ty {
                            funcs.push(ty);
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    funcs.push(ty.ok()?);
                }
            }
            Payload::CodeSectionStart {
                count,
                unchecked_range,
                ..
            } => {
                let same = types == module.types.len()
                    && funcs == module.funcs
                    && unchecked_range.start == module.code_start
                    && *count as usize == module.code.len();
                if !same {
                    return None;
                }
            }
            _ => {}
        }
        if let ValidPayload::Func(to_validate, body) = validator.payload(&payload).ok()? {
            if defined == func {
                let index = to_validate.index;
                let mut validator = to_validate.into_validator(Default::default());
                let (code, origins) =
                    translate_with_origins(module, index, &mut validator, &body).ok()?;
                let same = crate::exec::dispatch::same_code(&code, &compiled.code);
                debug_assert!(
                    !same || origins.len() == code.len(),
                    "one origin per instruction"
                );
                return same.then_some(origins);
            }
            defined += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Engine, Module};

    /// Every function of the benchmark kernels (C compiled with clang, and
    /// hand-written WAT), metered or not, profiled or not, translates again
    /// to the very code it was compiled to, each instruction from an
    /// operator of its own body; every instruction that can trap or has an
    /// effect beyond its result slot in the order of the body (only one
    /// that can do neither moves earlier, to fuse past it).
    #[test]
    fn every_function_translates_again_to_the_same_code() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/kernels");
        for name in ["sha256", "keccak256", "modmul256", "fib", "bulk"] {
            let bytes = std::fs::read(dir.join(format!("{name}.wasm"))).expect("a kernel");
            let bodies: Vec<std::ops::Range<u64>> = Parser::new(0)
                .parse_all(&bytes)
                .filter_map(|p| match p.expect("decodes") {
                    Payload::CodeSectionEntry(body) => Some(body.range()),
                    _ => None,
                })
                .collect();
            for (metered, profiled) in [(false, false), (true, false), (true, true)] {
                let engine = Engine::new(Config::default().consume_fuel(metered).profile(profiled));
                let module = Module::new(&engine, &bytes).expect("compiles");
                let inner = &*module.inner;
                for (func, body) in bodies.iter().enumerate() {
                    let compiled = inner.compile(func as u32).expect("translates");
                    let origins = origins(inner, &bytes, func as u32)
                        .unwrap_or_else(|| panic!("{name}: function {func} translates again"));
                    assert_eq!(origins.len(), compiled.code.len());
                    let ordered: Vec<u32> = origins
                        .iter()
                        .zip(compiled.code.iter())
                        .filter(|(_, op)| !matches!(op.instr().frame_slots(), Some((.., true))))
                        .map(|(&origin, _)| origin)
                        .collect();
                    assert!(ordered.windows(2).all(|w| w[0] <= w[1]), "{name}");
                    assert!(
                        origins.iter().all(|&o| body.contains(&u64::from(o))),
                        "{name}: function {func}"
                    );
                }
            }
        }
    }
}
