//! Iris validates the frequent operators itself, leaving the others, and
//! anything it would refuse, to wasmparser's validator (decision 0024).
//! Whatever it does, a module must be accepted or refused exactly as
//! wasmparser's validator alone accepts or refuses it, with the same
//! error: these tests compare the two on many generated function bodies,
//! mostly valid, some broken on purpose, eagerly and lazily translated.
//! (In builds with debug assertions, Iris also asserts after every
//! operator it accepts that wasmparser's validator, run beside it, agrees
//! and has the same stacks.)

use engine::{Config, Engine, ErrorKind, Module};
use wasmparser::{Validator, WasmFeatures};

/// Operand types of the generated code (value type bytes).
const I32: u8 = 0x7f;
const I64: u8 = 0x7e;
const F32: u8 = 0x7d;
const F64: u8 = 0x7c;

/// A constant of type `t` (none for 0x40, no type).
fn constant(t: u8) -> &'static [u8] {
    match t {
        I32 => &[0x41, 0x01],
        I64 => &[0x42, 0x01],
        F32 => &[0x43, 0, 0, 0, 0],
        F64 => &[0x44, 0, 0, 0, 0, 0, 0, 0, 0],
        _ => &[],
    }
}

/// Drops the values above `height`, and pushes a constant of type `t`.
fn settle(code: &mut Vec<u8>, stack: &mut Vec<u8>, height: usize, t: u8) {
    for _ in height..stack.len() {
        code.push(0x1a);
    }
    stack.truncate(height);
    code.extend_from_slice(constant(t));
}

/// A generator of pseudo-random numbers (xorshift), seeded per test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn uleb(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// An operator of fixed types: its bytes, what it pops (in push order)
/// and what it pushes.
struct Simple {
    bytes: Vec<u8>,
    pops: Vec<u8>,
    pushes: Vec<u8>,
}

fn simple(bytes: &[u8], pops: &[u8], pushes: &[u8]) -> Simple {
    Simple {
        bytes: bytes.to_vec(),
        pops: pops.to_vec(),
        pushes: pushes.to_vec(),
    }
}

/// The numeric operators, constants, locals, globals, loads and stores of
/// the module below, with their types.
fn simple_operators() -> Vec<Simple> {
    let mut ops = Vec::new();
    let (a, b, c, d) = (I32, I64, F32, F64);
    ops.push(simple(&[0x45], &[a], &[a]));
    for op in 0x46..=0x4f {
        ops.push(simple(&[op], &[a, a], &[a]));
    }
    ops.push(simple(&[0x50], &[b], &[a]));
    for op in 0x51..=0x5a {
        ops.push(simple(&[op], &[b, b], &[a]));
    }
    for op in 0x5b..=0x60 {
        ops.push(simple(&[op], &[c, c], &[a]));
    }
    for op in 0x61..=0x66 {
        ops.push(simple(&[op], &[d, d], &[a]));
    }
    let families = [
        (0x67..=0x69, 0x6a..=0x78, a),
        (0x79..=0x7b, 0x7c..=0x8a, b),
        (0x8b..=0x91, 0x92..=0x98, c),
        (0x99..=0x9f, 0xa0..=0xa6, d),
    ];
    for (unary, binary, t) in families {
        for op in unary {
            ops.push(simple(&[op], &[t], &[t]));
        }
        for op in binary {
            ops.push(simple(&[op], &[t, t], &[t]));
        }
    }
    let conversions = [
        (0xa7, b, a),
        (0xa8, c, a),
        (0xa9, c, a),
        (0xaa, d, a),
        (0xab, d, a),
        (0xac, a, b),
        (0xad, a, b),
        (0xae, c, b),
        (0xaf, c, b),
        (0xb0, d, b),
        (0xb1, d, b),
        (0xb2, a, c),
        (0xb3, a, c),
        (0xb4, b, c),
        (0xb5, b, c),
        (0xb6, d, c),
        (0xb7, a, d),
        (0xb8, a, d),
        (0xb9, b, d),
        (0xba, b, d),
        (0xbb, c, d),
        (0xbc, c, a),
        (0xbd, d, b),
        (0xbe, a, c),
        (0xbf, b, d),
        (0xc0, a, a),
        (0xc1, a, a),
        (0xc2, b, b),
        (0xc3, b, b),
        (0xc4, b, b),
    ];
    for (op, from, to) in conversions {
        ops.push(simple(&[op], &[from], &[to]));
    }
    let saturating = [
        (c, a),
        (c, a),
        (d, a),
        (d, a),
        (c, b),
        (c, b),
        (d, b),
        (d, b),
    ];
    for (sub, (from, to)) in saturating.into_iter().enumerate() {
        ops.push(simple(&[0xfc, sub as u8], &[from], &[to]));
    }
    ops.push(simple(&[0x41, 0x05], &[], &[a]));
    ops.push(simple(&[0x41, 0x80, 0x7f], &[], &[a]));
    ops.push(simple(&[0x42, 0x7f], &[], &[b]));
    ops.push(simple(&[0x43, 0, 0, 0x80, 0x3f], &[], &[c]));
    ops.push(simple(&[0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f], &[], &[d]));
    // Locals: the parameters (i32 i64 f32 f64), then two i32 and an f32.
    for (index, t) in [a, b, c, d, a, a, c].into_iter().enumerate() {
        let i = index as u8;
        ops.push(simple(&[0x20, i], &[], &[t]));
        ops.push(simple(&[0x21, i], &[t], &[]));
        ops.push(simple(&[0x22, i], &[t], &[t]));
    }
    // Globals: a mutable i32, an immutable i64, a mutable f64.
    for (index, t) in [a, b, d].into_iter().enumerate() {
        ops.push(simple(&[0x23, index as u8], &[], &[t]));
    }
    ops.push(simple(&[0x24, 0], &[a], &[]));
    ops.push(simple(&[0x24, 2], &[d], &[]));
    // Loads and stores, each at its natural alignment and below it.
    let loads = [
        (0x28, 2, a),
        (0x29, 3, b),
        (0x2a, 2, c),
        (0x2b, 3, d),
        (0x2c, 0, a),
        (0x2d, 0, a),
        (0x2e, 1, a),
        (0x2f, 1, a),
        (0x30, 0, b),
        (0x31, 0, b),
        (0x32, 1, b),
        (0x33, 1, b),
        (0x34, 2, b),
        (0x35, 2, b),
    ];
    for (op, natural, t) in loads {
        ops.push(simple(&[op, natural, 0x08], &[a], &[t]));
        ops.push(simple(&[op, 0, 0x80, 0x01], &[a], &[t]));
    }
    let stores = [
        (0x36, 2, a),
        (0x37, 3, b),
        (0x38, 2, c),
        (0x39, 3, d),
        (0x3a, 0, a),
        (0x3b, 1, a),
        (0x3c, 0, b),
        (0x3d, 1, b),
        (0x3e, 2, b),
    ];
    for (op, natural, t) in stores {
        ops.push(simple(&[op, natural, 0x04], &[a, t], &[]));
    }
    ops.push(simple(&[0x3f, 0x00], &[], &[a]));
    ops.push(simple(&[0x40, 0x00], &[a], &[a]));
    // Calls: function 1 gives an i64 and an i32; through table 0, type
    // 1 does, type 2 gives nothing.
    ops.push(simple(&[0x10, 0x01], &[], &[b, a]));
    ops.push(simple(&[0x10, 0x00], &[a, b, c, d], &[a]));
    ops.push(simple(&[0x11, 0x01, 0x00], &[a], &[b, a]));
    ops.push(simple(&[0x11, 0x02, 0x00], &[a], &[]));
    ops.push(simple(&[0x11, 0x00, 0x00], &[a, b, c, d, a], &[a]));
    ops
}

/// Operators that are broken, or that Iris leaves to wasmparser.
const ODD: &[&[u8]] = &[
    &[0x28, 0x03, 0x00],             // i32.load aligned past its size
    &[0x36, 0x03, 0x00],             // i32.store aligned past its size
    &[0x20, 0x07],                   // local.get past the locals
    &[0x21, 0x40],                   // local.set past the locals
    &[0x23, 0x03],                   // global.get past the globals
    &[0x24, 0x01],                   // global.set of an immutable global
    &[0x10, 0x02],                   // call past the functions
    &[0x28, 0x42, 0x01, 0x00],       // a load from memory 1
    &[0x0e, 0x01, 0x00, 0x00],       // br_table
    &[0x0e, 0x02, 0x00, 0x01, 0x02], // br_table
    &[0x11, 0x02, 0x01],             // call_indirect through the externref table
    &[0x11, 0x02, 0x02],             // call_indirect past the tables
    &[0x11, 0x09, 0x00],             // call_indirect of a type past the types
    &[0x1c, 0x01, 0x7f],             // typed select
    &[0xd0, 0x70],                   // ref.null func
    &[0xfc, 0x0b, 0x00],             // memory.fill
    &[0x02, 0x00],                   // block of type 0: (i32 i64 f32 f64) -> i32
    &[0x02, 0x70],                   // block of a reference type
    &[0x1a],                         // drop
    &[0x1b],                         // select
    &[0x00],                         // unreachable
    &[0x0f],                         // return
    &[0x0b],                         // end
    &[0x05],                         // else
    &[0x01],                         // nop
];

/// A control frame of the generator: its kind (0x02 block, 0x03 loop,
/// 0x04 if, 0x05 else), result type (0x40 for none) and height.
struct Frame {
    kind: u8,
    result: u8,
    height: usize,
}

/// A function body of mostly valid code: the operators are chosen to fit
/// the types the generator believes are on the stack (it does not know
/// every rule: some bodies come out invalid), and one in `odd` percent
/// is any operator at all.
fn body(rng: &mut Rng, ops: &[Simple], odd: u64) -> Vec<u8> {
    let mut code = Vec::new();
    let mut stack: Vec<u8> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let len = 1 + rng.below(60);
    for _ in 0..len {
        if rng.chance(odd) {
            code.extend_from_slice(rng.pick(ODD));
            continue;
        }
        let height = frames.last().map_or(0, |f| f.height);
        match rng.below(20) {
            // Control.
            0 => {
                let kind = rng.pick(&[0x02, 0x03, 0x04]);
                if kind == 0x04 {
                    stack.pop();
                }
                let result = rng.pick(&[0x40, 0x40, I32, I64, F32, F64]);
                code.extend_from_slice(&[kind, result]);
                frames.push(Frame {
                    kind,
                    result,
                    height: stack.len(),
                });
            }
            1 if !frames.is_empty() => {
                let frame = frames.pop().expect("a frame");
                settle(&mut code, &mut stack, frame.height, frame.result);
                if frame.kind == 0x04 && frame.result != 0x40 && rng.chance(90) {
                    // An `if` with a result needs its `else`.
                    code.push(0x05);
                    code.extend_from_slice(constant(frame.result));
                }
                code.push(0x0b);
                stack.truncate(frame.height);
                if frame.result != 0x40 {
                    stack.push(frame.result);
                }
            }
            2 => {
                // A branch: br_if, br, or return, with its label's value.
                let depth = rng.below(frames.len() + 1);
                let label_of = |depth: usize| match frames.len().checked_sub(depth + 1) {
                    None => I32,
                    Some(at) if frames[at].kind == 0x03 => 0x40,
                    Some(at) => frames[at].result,
                };
                let label = label_of(depth);
                code.extend_from_slice(constant(label));
                match rng.below(5) {
                    4 => {
                        // br_table, its targets of the default's label
                        // type (a wrong one now and then).
                        let targets: Vec<u8> = (0..=frames.len())
                            .filter(|&d| label_of(d) == label || rng.chance(3))
                            .map(|d| d as u8)
                            .take(5)
                            .collect();
                        code.extend_from_slice(&[0x41, 0x00, 0x0e, targets.len() as u8]);
                        code.extend_from_slice(&targets);
                        code.push(depth as u8);
                    }
                    0 => code.extend_from_slice(&[0x0c, depth as u8]),
                    1 => {
                        code.truncate(code.len() - constant(label).len());
                        code.extend_from_slice(constant(I32));
                        code.push(0x0f);
                    }
                    _ => {
                        code.extend_from_slice(&[0x41, 0x01, 0x0d, depth as u8]);
                        // The label's value stays.
                        if label != 0x40 {
                            stack.push(label);
                        }
                        continue;
                    }
                }
                stack.truncate(height);
            }
            3 if stack.len() > height => {
                code.push(0x1a);
                stack.pop();
            }
            4 if stack.len() >= height + 2 && stack[stack.len() - 1] == stack[stack.len() - 2] => {
                code.extend_from_slice(&[0x41, 0x00, 0x1b]);
                stack.pop();
            }
            5 if rng.chance(10) => {
                code.push(0x00);
                stack.truncate(height);
            }
            _ => {
                // An operator whose operands are on top, out of a few tries.
                for _ in 0..12 {
                    let op = &ops[rng.below(ops.len())];
                    let n = op.pops.len();
                    if stack.len() >= height + n && stack[stack.len() - n..] == op.pops[..] {
                        code.extend_from_slice(&op.bytes);
                        stack.truncate(stack.len() - n);
                        stack.extend_from_slice(&op.pushes);
                        break;
                    }
                }
            }
        }
    }
    // Close the open frames, then give the function its i32.
    while let Some(frame) = frames.pop() {
        settle(&mut code, &mut stack, frame.height, frame.result);
        if frame.kind == 0x04 && frame.result != 0x40 {
            code.push(0x05);
            code.extend_from_slice(constant(frame.result));
        }
        code.push(0x0b);
        stack.truncate(frame.height);
        if frame.result != 0x40 {
            stack.push(frame.result);
        }
    }
    if rng.chance(95) {
        settle(&mut code, &mut stack, 0, I32);
    }
    code.push(0x0b);
    code
}

/// A module of three types, two functions (the first's body is `code`,
/// with locals two i32 and an f32, and a funcref if `funcref`), a table
/// of funcref and one of externref, a memory and three globals.
fn module(code: &[u8], funcref: bool) -> Vec<u8> {
    let mut m = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    let section = |m: &mut Vec<u8>, id: u8, contents: &[u8]| {
        m.push(id);
        uleb(contents.len() as u64, m);
        m.extend_from_slice(contents);
    };
    section(
        &mut m,
        1,
        &[
            3, 0x60, 4, I32, I64, F32, F64, 1, I32, 0x60, 0, 2, I64, I32, 0x60, 0, 0,
        ],
    );
    section(&mut m, 3, &[2, 0, 1]);
    section(&mut m, 4, &[2, 0x70, 0x00, 1, 0x6f, 0x00, 1]);
    section(&mut m, 5, &[1, 0x00, 1]);
    section(
        &mut m,
        6,
        &[
            3, I32, 1, 0x41, 0, 0x0b, I64, 0, 0x42, 0, 0x0b, F64, 1, 0x44, 0, 0, 0, 0, 0, 0, 0, 0,
            0x0b,
        ],
    );
    let mut first = Vec::new();
    if funcref {
        first.extend_from_slice(&[3, 2, I32, 1, F32, 1, 0x70]);
    } else {
        first.extend_from_slice(&[2, 2, I32, 1, F32]);
    }
    first.extend_from_slice(code);
    let second = [0u8, 0x42, 0x07, 0x41, 0x08, 0x0b];
    let mut bodies = vec![2];
    uleb(first.len() as u64, &mut bodies);
    bodies.extend_from_slice(&first);
    uleb(second.len() as u64, &mut bodies);
    bodies.extend_from_slice(&second);
    section(&mut m, 10, &bodies);
    m
}

/// wasmparser's verdict on `bytes` alone, as Iris reports a refusal.
fn wasmparser_verdict(bytes: &[u8]) -> Result<(), String> {
    let features = WasmFeatures::WASM2.difference(WasmFeatures::SIMD);
    Validator::new_with_features(features)
        .validate_all(bytes)
        .map(|_| ())
        .map_err(|e| format!("{:#x}: {}", e.offset(), e.message()))
}

/// Iris's verdict on `bytes`, translating eagerly or lazily.
fn iris_verdict(engine: &Engine, bytes: &[u8]) -> Result<(), String> {
    match Module::new(engine, bytes) {
        Ok(_) => Ok(()),
        Err(e) => match e.kind() {
            ErrorKind::Validate { offset, message } | ErrorKind::Decode { offset, message } => {
                Err(format!("{offset:#x}: {message}"))
            }
            other => panic!("refused for another reason than validity: {other:?}"),
        },
    }
}

/// Compares the two on `count` bodies from `seed`, with `odd` percent of
/// odd operators; gives how many were valid.
fn compare(seed: u64, count: usize, odd: u64) -> usize {
    let ops = simple_operators();
    let mut rng = Rng(seed);
    let engines = [false, true].map(|lazy| {
        let mut config = Config::default();
        config.lazy_translation(lazy);
        Engine::new(&config)
    });
    let mut valid = 0;
    for _ in 0..count {
        let code = body(&mut rng, &ops, odd);
        let bytes = module(&code, rng.chance(5));
        let expected = wasmparser_verdict(&bytes);
        valid += usize::from(expected.is_ok());
        for engine in &engines {
            assert_eq!(iris_verdict(engine, &bytes), expected, "body {code:02x?}");
        }
    }
    valid
}

#[test]
fn generated_valid_bodies_are_accepted_as_wasmparser_accepts_them() {
    let valid = compare(0x2545_f491_4f6c_dd1d, 3_000, 0);
    // Most are valid: the comparison covers acceptance, not only refusals.
    assert!(valid > 1_500, "only {valid} of 3,000 bodies valid");
}

#[test]
fn generated_bodies_with_odd_operators_are_refused_as_wasmparser_refuses_them() {
    let valid = compare(0x9e37_79b9_7f4a_7c15, 6_000, 4);
    assert!(
        valid > 300 && valid < 5_700,
        "{valid} of 6,000 bodies valid"
    );
}
