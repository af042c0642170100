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
    let compiled = module.code.get(func as usize)?;
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
                return same.then(|| origins.get(instr as usize).copied()).flatten();
            }
            defined += 1;
        }
    }
    None
}
