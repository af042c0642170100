//! The accumulator: a value that one instruction computes and the next
//! one reads passes between their handlers in a machine register, and
//! only there if nothing else reads it (a temporary), or also through the
//! frame (a local). Which pairs pass it (and which must not: a label or a
//! call between them, a value read twice), and that every pair computes
//! what the operators give one by one, checked against wasmi on many
//! inputs.

mod agree;

const WAT: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (func $id (param i64) (result i64) (local.get 0))
  ;; a chain: each result read by the next operator, left and right
  (func (export "chain") (param i64 i64 i64) (result i64)
    (i64.sub
      (i64.mul (i64.add (local.get 0) (local.get 1)) (local.get 2))
      (i64.xor (local.get 1) (i64.rotl (local.get 0) (i64.const 9)))))
  (func (export "chain32") (param i32 i32) (result i32)
    (i32.shr_u (i32.or (i32.shl (i32.sub (local.get 0) (local.get 1)) (i32.const 3)) (local.get 1)) (i32.const 1)))
  ;; unary operators in and out of a chain
  (func (export "unary") (param i32 i64) (result i64)
    (i64.popcnt (i64.add (i64.extend_i32_u (i32.clz (local.get 0))) (local.get 1))))
  ;; a load from a computed address, its value into the next operator
  (func (export "load") (param i32 i32) (result i32)
    (i32.add (i32.load8_u (i32.and (i32.mul (local.get 0) (local.get 1)) (i32.const 0xffff))) (local.get 1)))
  (func (export "load_oob") (param i32) (result i32)
    (i32.load (i32.shl (local.get 0) (i32.const 4))))
  ;; a store of a computed value, at a computed address
  (func (export "store") (param i32 i64) (result i64)
    (i64.store (i32.and (local.get 0) (i32.const 0xfff8)) (i64.add (local.get 1) (i64.const 5)))
    (i64.load (i32.and (local.get 0) (i32.const 0xfff8))))
  (func (export "store_at") (param i32 i32) (result i32)
    (i32.store16 offset=2 (i32.mul (local.get 0) (i32.const 3)) (local.get 1))
    (i32.load offset=2 (i32.mul (local.get 0) (i32.const 3))))
  (func (export "store_const_addr") (param i32) (result i32)
    (i32.store (i32.const 64) (i32.rotl (local.get 0) (i32.const 7)))
    (i32.load (i32.const 64)))
  ;; branches on a computed condition: a plain one, a comparison, an
  ;; eqz and an add with an immediate fused into the branch
  (func (export "br_if") (param i32 i32) (result i32)
    (block (br_if 0 (i32.and (i32.add (local.get 0) (local.get 1)) (i32.const 6)))
      (return (i32.const 100)))
    (i32.const 200))
  (func (export "br_cmp") (param i32 i32) (result i32)
    (block (br_if 0 (i32.lt_u (i32.mul (local.get 0) (local.get 1)) (local.get 1)))
      (return (i32.const 100)))
    (i32.const 200))
  (func (export "br_cmp_imm") (param i64 i64) (result i32)
    (block (br_if 0 (i64.gt_s (i64.sub (local.get 0) (local.get 1)) (i64.const 7)))
      (return (i32.const 100)))
    (i32.const 200))
  (func (export "br_eqz") (param i64 i64) (result i32)
    (block (br_if 0 (i64.eqz (i64.and (local.get 0) (local.get 1))))
      (return (i32.const 100)))
    (i32.const 200))
  (func (export "br_add_imm") (param i32 i32) (result i32)
    (block (br_if 0 (i32.add (i32.xor (local.get 0) (local.get 1)) (i32.const -1)))
      (return (i32.const 100)))
    (i32.const 200))
  (func (export "if") (param i32 i32) (result i32)
    (if (result i32) (i32.ge_s (i32.add (local.get 0) (local.get 1)) (i32.const 0))
      (then (i32.const 1)) (else (i32.const 2))))
  ;; a loop whose body starts with a value from before its head: the label
  ;; stands between them, so it goes through the frame
  (func (export "loop_param") (param i32 i32) (result i32)
    (local $n i32)
    (i32.add (local.get 0) (i32.const 1))
    (loop $l (param i32) (result i32)
      (i32.mul (i32.const 3))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (i32.and (i32.lt_u (local.get $n) (i32.const 5)) (i32.ne (local.get $n) (local.get 1))))))
  ;; fused instructions reading and writing the accumulator
  (func (export "fused") (param i32 i32 i32) (result i32)
    (i32.add
      (i32.xor (i32.rotl (i32.add (local.get 0) (local.get 2)) (i32.const 7)) (local.get 1))
      (i32.xor (i32.shr_u (i32.mul (local.get 1) (local.get 2)) (i32.const 3)) (local.get 0))))
  (func (export "fused64") (param i64 i64 i64) (result i64)
    (i64.add (i64.mul (i64.xor (local.get 0) (local.get 2)) (local.get 1)) (i64.add (local.get 2) (local.get 0))))
  (func (export "fused_load") (param i32 i32) (result i64)
    (i64.load offset=8 (i32.add (i32.and (local.get 0) (i32.const 0xfff)) (local.get 1))))
  ;; traps inside a chain
  (func (export "div") (param i32 i32) (result i32)
    (i32.add (i32.div_s (i32.sub (local.get 0) (i32.const 1)) (local.get 1)) (i32.const 1)))
  (func (export "rem64") (param i64 i64) (result i64)
    (i64.rem_u (local.get 0) (i64.and (local.get 1) (i64.const 0xf))))
  ;; returns of a computed value, from the end and from inside a block
  (func (export "ret") (param i64 i64) (result i64)
    (block (br_if 0 (i64.eqz (local.get 1)))
      (return (i64.mul (local.get 0) (local.get 1))))
    (i64.add (local.get 0) (i64.const 1)))
  ;; a value kept by local.tee and read twice, and select
  (func (export "tee") (param i32 i32) (result i32)
    (local $t i32)
    (i32.add (local.tee $t (i32.mul (local.get 0) (local.get 1))) (local.get $t)))
  (func (export "select") (param i32 i32) (result i32)
    (select (i32.add (local.get 0) (i32.const 1)) (local.get 1) (i32.lt_u (local.get 0) (local.get 1))))
  ;; a value set to a local and read at once from the accumulator, and
  ;; again later from the frame
  (func (export "local_fwd") (param i32 i32) (result i32)
    (local $x i32)
    (local.set $x (i32.add (local.get 0) (local.get 1)))
    (i32.sub (i32.mul (local.get $x) (i32.const 7)) (local.get $x)))
  (func (export "tee_fwd") (param i64 i64) (result i64)
    (local $x i64)
    (i64.xor (i64.rotl (local.tee $x (i64.mul (local.get 0) (local.get 1))) (i64.const 3)) (local.get $x)))
  (func (export "square") (param i64) (result i64)
    (local $x i64)
    (local.set $x (i64.add (local.get 0) (i64.const 3)))
    (i64.mul (local.get $x) (local.get $x)))
  ;; a call between a value and the operator that reads it
  (func (export "across_call") (param i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (local.get 1)) (call $id (local.get 1))))
  (func (export "call_arg") (param i64 i64) (result i64)
    (call $id (i64.sub (local.get 0) (local.get 1))))
)"#;

#[test]
fn pairs_through_the_accumulator_agree_with_wasmi_on_every_input() {
    let checked = agree::every_export_agrees_with_wasmi(WAT);
    assert!(checked > 1_000, "{checked} calls compared");
}

/// For a module with one function of `body`: how many instructions hand
/// their result over only in the accumulator, how many read an operand
/// from it, and how many instructions it has in all.
fn accumulated(params: &str, result: &str, body: &str) -> (usize, usize, usize) {
    let wat = format!(
        "(module (memory 1) (func (export \"f\") (param {params}) (result {result}) {body}))"
    );
    let engine = engine::Engine::default();
    let module = engine::Module::from_wat(&engine, &wat).expect("compiles");
    let (only, reads) = module.accumulator_use();
    (only, reads, module.instruction_count())
}

#[test]
fn each_value_the_next_instruction_reads_passes_in_the_accumulator() {
    // (params, result, body, (handed over only in the accumulator, read
    // from it, instructions))
    let cases = [
        // add, mul, sub, return: three values handed over
        (
            "i64 i64 i64",
            "i64",
            "(i64.sub (i64.mul (i64.add (local.get 0) (local.get 1)) (local.get 2)) (i64.const 9))",
            (3, 3, 4),
        ),
        // the right operand too
        (
            "i32 i32",
            "i32",
            "(i32.sub (local.get 1) (i32.clz (i32.popcnt (local.get 0))))",
            (3, 3, 4),
        ),
        // a load's address and its value, a store's value
        (
            "i32",
            "i32",
            "(i32.store (local.get 0) (i32.load8_u (i32.shl (local.get 0) (i32.const 2)))) (i32.const 0)",
            (2, 2, 5),
        ),
        // a comparison's operand, fused into the branch
        (
            "i32 i32",
            "i32",
            "(block (br_if 0 (i32.lt_u (i32.mul (local.get 0) (local.get 1)) (local.get 1)))) (i32.const 0)",
            (1, 1, 4),
        ),
        // kept in a local: read from the accumulator by the next
        // instruction, but written to the frame too
        (
            "i32 i32",
            "i32",
            "(local.set 1 (i32.mul (local.get 0) (local.get 0))) (i32.add (local.get 1) (i32.const 1))",
            (1, 2, 3),
        ),
        // read twice by the next instruction: from the frame
        (
            "i32 i32",
            "i32",
            "(local.set 1 (i32.mul (local.get 0) (local.get 0))) (i32.add (local.get 1) (local.get 1))",
            (1, 1, 3),
        ),
        // a loop's head between the value and its reader
        (
            "i32",
            "i32",
            "(i32.add (local.get 0) (i32.const 1)) (loop (param i32) (result i32) (i32.mul (i32.const 3)))",
            (0, 0, 3),
        ),
        // a call between them (only the sum, returned, is handed over)
        (
            "i64 i64",
            "i64",
            "(i64.add (i64.mul (local.get 0) (local.get 1)) (call 0 (local.get 1) (i64.const 0)))",
            (1, 1, 6),
        ),
    ];
    for (params, result, body, expected) in cases {
        assert_eq!(accumulated(params, result, body), expected, "{body}");
    }
}
