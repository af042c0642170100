use std::collections::BTreeSet;
use std::path::Path;

use super::*;
use crate::{Config, Engine, Module};

#[test]
fn instructions_stay_sixteen_bytes() {
    assert_eq!(std::mem::size_of::<Instr>(), 16);
}

/// Metering off, on, and profiled: each emits its own charges.
const CONFIGS: [(bool, bool); 3] = [(false, false), (true, false), (true, true)];

/// Compiles `bytes` under each of [`CONFIGS`] and notes the name of every
/// instruction the translator emitted. Gives whether it compiled.
fn note_instructions(bytes: &[u8], seen: &mut BTreeSet<&'static str>) -> bool {
    CONFIGS.iter().all(|&(metered, profiled)| {
        let engine = Engine::new(Config::default().consume_fuel(metered).profile(profiled));
        let Ok(module) = Module::new(&engine, bytes) else {
            return false;
        };
        for func in 0..module.inner.code.len() as u32 {
            let Some(func) = module.inner.compile(func) else {
                return false;
            };
            seen.extend(func.code.iter().map(|op| op.instr().name()));
        }
        true
    })
}

/// Every module of the spec scripts in `dir`, encoded.
fn spec_modules(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the spec suite")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wast"))
        .collect();
    files.sort();
    let mut modules = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a script");
        let mut lexer = wast::lexer::Lexer::new(&text);
        lexer.allow_confusing_unicode(true);
        let buffer = wast::parser::ParseBuffer::new_with_lexer(lexer).expect("lexes");
        let script: wast::Wast = wast::parser::parse(&buffer).expect("parses");
        for directive in script.directives {
            if let wast::WastDirective::Module(mut module) = directive {
                if let Ok(bytes) = module.encode() {
                    modules.push(bytes);
                }
            }
        }
    }
    modules
}

/// The instructions that neither the spec suite nor the benchmark kernels
/// happen to produce: immediate forms, compare-and-branch forms, and
/// fusions of operands that compilers order otherwise.
const EXTRA: &str = r#"
(module
  (memory 1)
  (func (param i32 i32 i64 i64) (result i32)
    (drop (i32.rotl (local.get 0) (i32.const 3)))
    (drop (i32.rotr (local.get 0) (i32.const 3)))
    (drop (i32.eq (local.get 0) (i32.const 3)))
    (drop (i32.lt_s (local.get 0) (i32.const 3)))
    (drop (i32.lt_u (local.get 0) (i32.const 3)))
    (drop (i32.gt_s (local.get 0) (i32.const 3)))
    (drop (i32.ge_s (local.get 0) (i32.const 3)))
    (drop (i32.ge_u (local.get 0) (i32.const 3)))
    (drop (i64.rotr (local.get 2) (i64.const 3)))
    (drop (i64.or (i64.shl (local.get 2) (i64.const 8)) (local.get 3)))
    (drop (i32.or (i32.shl (local.get 0) (i32.const 8)) (local.get 1)))
    (drop (i64.or (i64.and (local.get 2) (i64.const 255)) (local.get 3)))
    (drop (i64.add (local.get 3) (i64.shr_u (local.get 2) (i64.const 32))))
    (drop (i64.add (i64.mul (local.get 2) (local.get 3)) (i64.shr_u (local.get 3) (i64.const 32))))
    (drop (i64.add (i64.and (local.get 2) (i64.const 0xffffffff)) (i64.mul (local.get 2) (local.get 3))))
    (drop (i64.add (i64.add (i64.and (local.get 2) (i64.const 0xffffffff)) (i64.mul (local.get 2) (local.get 3))) (i64.shr_u (local.get 3) (i64.const 32))))
    (drop (i64.ne (local.get 2) (i64.const 3)))
    (drop (i64.lt_s (local.get 2) (i64.const 3)))
    (drop (i64.lt_u (local.get 2) (i64.const 3)))
    (drop (i64.gt_s (local.get 2) (i64.const 3)))
    (drop (i64.gt_u (local.get 2) (i64.const 3)))
    (drop (i64.le_s (local.get 2) (i64.const 3)))
    (drop (i64.le_u (local.get 2) (i64.const 3)))
    (drop (i64.ge_s (local.get 2) (i64.const 3)))
    (drop (i64.ge_u (local.get 2) (i64.const 3)))
    (drop (i64.xor (local.get 2) (i64.const 3)))
    (drop (i64.add (i64.add (local.get 2) (local.get 3)) (local.get 2)))
    (drop (i64.add (i64.add (i64.mul (local.get 2) (local.get 3)) (local.get 2)) (local.get 3)))
    (drop (i64.shr_u (i64.add (local.get 2) (local.get 3)) (i64.const 7)))
    (drop (i32.add (i32.add (local.get 0) (local.get 1)) (i32.const 7)))
    (drop (i64.xor (i64.rotl (local.get 2) (i64.const 7)) (local.get 3)))
    (drop (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (local.get 1)))
    (drop (i64.and (i64.xor (local.get 2) (i64.const -1)) (local.get 3)))
    (drop (i32.and (i32.xor (local.get 0) (i32.const -1)) (local.get 1)))
    (drop (i32.xor (i32.shr_u (local.get 0) (i32.const 7)) (local.get 1)))
    (drop (i64.add (i64.and (local.get 2) (i64.const 255)) (local.get 3)))
    (drop (i64.add (i64.mul (local.get 2) (i64.const 3)) (local.get 3)))
    (drop (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (i32.rotl (local.get 1) (i32.const 9))))
    (drop (i64.load (i32.add (local.get 0) (i32.const 16))))
    (drop (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 0)))
    (drop (i32.xor (i32.and (local.get 0) (local.get 1)) (local.get 0)))
    (if (i32.add (local.get 0) (i32.const 3)) (then (nop)))
    (block
      (br_if 0 (i32.eq (local.get 0) (local.get 1)))
      (br_if 0 (i32.lt_s (local.get 0) (local.get 1)))
      (br_if 0 (i32.gt_u (local.get 0) (local.get 1)))
      (br_if 0 (i32.gt_s (local.get 0) (local.get 1)))
      (br_if 0 (i32.le_s (local.get 0) (local.get 1)))
      (br_if 0 (i32.ge_s (local.get 0) (local.get 1)))
      (br_if 0 (i32.gt_s (local.get 0) (i32.const 3)))
      (br_if 0 (i32.gt_u (local.get 0) (i32.const 3)))
      (br_if 0 (i32.le_s (local.get 0) (i32.const 3)))
      (br_if 0 (i32.le_u (local.get 0) (i32.const 3)))
      (br_if 0 (i64.eq (local.get 2) (local.get 3)))
      (br_if 0 (i64.ne (local.get 2) (local.get 3)))
      (br_if 0 (i64.lt_s (local.get 2) (local.get 3)))
      (br_if 0 (i64.lt_u (local.get 2) (local.get 3)))
      (br_if 0 (i64.gt_s (local.get 2) (local.get 3)))
      (br_if 0 (i64.le_s (local.get 2) (local.get 3)))
      (br_if 0 (i64.le_u (local.get 2) (local.get 3)))
      (br_if 0 (i64.ge_s (local.get 2) (local.get 3)))
      (br_if 0 (i64.ge_u (local.get 2) (local.get 3)))
      (br_if 0 (i64.eq (local.get 2) (i64.const 3)))
      (br_if 0 (i64.lt_u (local.get 2) (i64.const 3)))
      (br_if 0 (i64.gt_u (local.get 2) (i64.const 3)))
      (br_if 0 (i64.le_s (local.get 2) (i64.const 3)))
      (br_if 0 (i64.ge_s (local.get 2) (i64.const 3)))
      (br_if 0 (i64.ge_u (local.get 2) (i64.const 3))))
    (local.get 0)))
"#;

/// Every instruction of the list is one the translator emits: the list
/// holds no dead variant, and each handler (`handler_of` gives one to each
/// variant) has code to run. The corpus: the benchmark kernels, every
/// module of the spec suite and [`EXTRA`], metered, unmetered and profiled.
#[test]
fn the_translator_emits_every_instruction_of_the_list() {
    let mut seen = BTreeSet::new();
    let kernels = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/kernels");
    for name in ["sha256", "keccak256", "modmul256", "fib", "bulk"] {
        let bytes = std::fs::read(kernels.join(format!("{name}.wasm"))).expect("a kernel");
        assert!(note_instructions(&bytes, &mut seen), "{name} compiles");
    }
    let spec = test_data::spec_dir().unwrap_or_else(|e| panic!("{e}"));
    let mut compiled = 0;
    for bytes in spec_modules(&spec) {
        compiled += usize::from(note_instructions(&bytes, &mut seen));
    }
    assert!(compiled > 1_000, "{compiled} spec modules compiled");
    let extra = wat::parse_str(EXTRA).expect("valid text");
    assert!(
        note_instructions(&extra, &mut seen),
        "the extra module compiles"
    );
    let never: Vec<&str> = Instr::NAMES
        .iter()
        .copied()
        .filter(|name| !seen.contains(name))
        .collect();
    assert!(never.is_empty(), "never emitted: {never:?}");
    // Names are distinct, so the count is the enum's.
    let distinct: BTreeSet<&str> = Instr::NAMES.iter().copied().collect();
    assert_eq!(distinct.len(), Instr::NAMES.len());
}
