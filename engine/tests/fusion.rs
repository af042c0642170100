//! Fused instructions (two or three Wasm operators in one handler) give
//! exactly what the operators give one by one: every fusing pattern, with
//! operands that alias the destination, results retargeted to locals, and
//! addresses that wrap or fall out of bounds, checked against wasmi on
//! many inputs.

const WAT: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data (i32.const 65528) "\f1\f2\f3\f4\f5\f6\f7\f8")
  ;; i64.mul + i64.add, either order, then a second i64.add
  (func (export "mul_add") (param i64 i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "add_mul") (param i64 i64 i64) (result i64)
    (i64.add (local.get 2) (i64.mul (local.get 0) (local.get 1))))
  (func (export "mul_add2") (param i64 i64 i64 i64) (result i64)
    (i64.add (i64.add (i64.mul (local.get 0) (local.get 1)) (local.get 2)) (local.get 3)))
  (func (export "mul_imm_add") (param i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (i64.const 0x1_0000_0001)) (local.get 1)))
  ;; the destination is a parameter that is also an operand
  (func (export "mul_add_into") (param i64 i64 i64) (result i64)
    (local.set 0 (i64.add (i64.mul (local.get 0) (local.get 1)) (local.get 0)))
    (local.get 0))
  (func (export "add3_32") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "add3_64") (param i64 i64 i64) (result i64)
    (i64.add (local.get 2) (i64.add (local.get 0) (local.get 1))))
  (func (export "add2_imm") (param i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (i32.const -7)))
  (func (export "and_add") (param i64 i64) (result i64)
    (i64.add (i64.and (local.get 0) (i64.const 0xffff_ffff)) (local.get 1)))
  (func (export "add_shr") (param i64 i64) (result i64)
    (i64.shr_u (i64.add (local.get 0) (local.get 1)) (i64.const 32)))
  (func (export "rotl_xor") (param i32 i32) (result i32)
    (i32.xor (local.get 1) (i32.rotl (local.get 0) (i32.const 7))))
  ;; SHA-256's big sigma: three rotations of one value, xored
  (func (export "sigma") (param i32) (result i32)
    (i32.xor
      (i32.xor (i32.rotl (local.get 0) (i32.const 30)) (i32.rotl (local.get 0) (i32.const 19)))
      (i32.rotl (local.get 0) (i32.const 10))))
  (func (export "rotl_xor_rotl") (param i32 i32) (result i32)
    (i32.xor (i32.rotl (local.get 0) (i32.const 5)) (i32.rotl (local.get 1) (i32.const 27))))
  ;; Keccak's theta, rho and chi, SHA-256's sigma and choice
  (func (export "xor3") (param i64 i64 i64) (result i64)
    (i64.xor (i64.xor (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "rotl_xor64") (param i64 i64) (result i64)
    (i64.xor (local.get 1) (i64.rotl (local.get 0) (i64.const 1))))
  (func (export "xor_rotl64") (param i64 i64) (result i64)
    (i64.rotl (i64.xor (local.get 0) (local.get 1)) (i64.const 44)))
  (func (export "chi") (param i64 i64 i64) (result i64)
    (i64.xor (local.get 0) (i64.and (i64.xor (local.get 1) (i64.const -1)) (local.get 2))))
  (func (export "chi_into") (param i64 i64 i64) (result i64)
    (local.set 0 (i64.xor (i64.and (i64.xor (local.get 0) (i64.const -1)) (local.get 0)) (local.get 0)))
    (local.get 0))
  ;; chi with its last operand computed between the two halves: that
  ;; computation moves before the and-not, which then fuses; not when it
  ;; writes what the and-not reads, nor when it can trap
  (func (export "chi_past") (param i64 i64 i64) (result i64)
    (i64.xor (i64.and (i64.xor (local.get 0) (i64.const -1)) (local.get 1)) (i64.rotl (local.get 2) (i64.const 5))))
  (func (export "chi_past_tee") (param i64 i64 i64) (result i64)
    (i64.xor
      (i64.and (i64.xor (local.get 0) (i64.const -1)) (local.get 1))
      (local.tee 1 (i64.rotl (local.get 2) (i64.const 5)))))
  (func (export "chi_past_mul") (param i64 i64 i64) (result i64)
    (i64.xor (i64.and (i64.xor (local.get 0) (i64.const -1)) (local.get 1)) (i64.mul (local.get 2) (local.get 0))))
  (func (export "chi_past_div") (param i64 i64 i64) (result i64)
    (i64.xor (i64.and (i64.xor (local.get 0) (i64.const -1)) (local.get 1)) (i64.div_s (local.get 2) (local.get 1))))
  ;; a loop whose last copies (the values it carries) go with its back
  ;; branch: one copy, two, and three (the third then a copy on its own)
  (func (export "loop_copy") (param i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64) (local $n i32)
    (local.set $b (i64.const 1))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $n) (i32.and (local.get 0) (i32.const 63))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $t (i64.add (local.get $a) (local.get $b)))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (br $l)))
    (local.get $a))
  (func (export "loop_copy1") (param i32) (result i64)
    (local $a i64) (local $n i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $n) (i32.and (local.get 0) (i32.const 63))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $a (i64.extend_i32_u (local.get $n)))
      (local.set $a (local.get $a))
      (br $l)))
    (local.get $a))
  (func (export "loop_copy3") (param i32) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $t i64) (local $n i32)
    (local.set $b (i64.const 1))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $n) (i32.and (local.get 0) (i32.const 63))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $t (i64.mul (local.get $a) (i64.add (local.get $b) (local.get $c))))
      (local.set $a (local.get $b))
      (local.set $b (local.get $c))
      (local.set $c (local.get $t))
      (br $l)))
    (i64.add (local.get $a) (local.get $c)))
  ;; an xor with another constant than -1 first: not an and-not, the same
  ;; results
  (func (export "chi_not_andnot") (param i64 i64 i64) (result i64)
    (i64.xor (local.get 0) (i64.and (i64.xor (local.get 1) (i64.const 0xff)) (local.get 2))))
  (func (export "choice") (param i32 i32 i32) (result i32)
    (i32.xor
      (i32.and (local.get 0) (local.get 1))
      (i32.and (i32.xor (local.get 0) (i32.const -1)) (local.get 2))))
  (func (export "small_sigma") (param i32 i32) (result i32)
    (i32.xor (i32.shr_u (local.get 0) (i32.const 3)) (local.get 1)))
  ;; multi-word multiplication: a product plus the last one's carry or
  ;; low word, and the carry added on
  (func (export "shr_add") (param i64 i64) (result i64)
    (i64.add (local.get 1) (i64.shr_u (local.get 0) (i64.const 32))))
  (func (export "mul_shr_add") (param i64 i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (local.get 1)) (i64.shr_u (local.get 2) (i64.const 32))))
  (func (export "mul_shr_add_alias") (param i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (local.get 1)) (i64.shr_u (local.get 0) (i64.const 7))))
  (func (export "and_mul_add") (param i64 i64 i64) (result i64)
    (i64.add (i64.and (local.get 2) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1))))
  ;; a mask beyond 32 bits, and -1: not fused, the same results
  (func (export "and_mul_add_wide") (param i64 i64 i64) (result i64)
    (i64.add (i64.and (local.get 2) (i64.const 0x1_ffff_ffff)) (i64.mul (local.get 0) (local.get 1))))
  (func (export "and_mul_add_all") (param i64 i64 i64) (result i64)
    (i64.add (i64.and (local.get 2) (i64.const -1)) (i64.mul (local.get 0) (local.get 1))))
  (func (export "mul_shr_add_wide") (param i64 i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (local.get 1)) (i64.shr_u (local.get 2) (i64.const 0x7fff_ffff_ffff_ff21))))
  (func (export "and_mul_add_into") (param i64 i64 i64) (result i64)
    (local.set 1 (i64.add (i64.and (local.get 1) (i64.const 0xff)) (i64.mul (local.get 1) (local.get 2))))
    (local.get 1))
  ;; a limb of a multi-word product with 32-bit limbs: the carry out of the
  ;; last limb, the low word of this one, and a product (or a product by a
  ;; constant) added on; shifts taken modulo 64, an alias, and masks,
  ;; shifts or factors past the fused forms (the same results, unfused)
  (func (export "shr_and_add") (param i64 i64) (result i64)
    (i64.add (i64.shr_u (local.get 0) (i64.const 32)) (i64.and (local.get 1) (i64.const 0xffff_ffff))))
  (func (export "shr_and_add_alias") (param i64) (result i64)
    (i64.add (i64.shr_u (local.get 0) (i64.const 7)) (i64.and (local.get 0) (i64.const 0xff))))
  (func (export "shr_and_add_wide") (param i64 i64) (result i64)
    (i64.add (i64.shr_u (local.get 0) (i64.const 96)) (i64.and (local.get 1) (i64.const 0x1_ffff_ffff))))
  (func (export "limb") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.shr_u (local.get 2) (i64.const 32)) (i64.and (local.get 3) (i64.const 0xffff_ffff)))
      (i64.mul (local.get 0) (local.get 1))))
  (func (export "limb_shift96") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.shr_u (local.get 2) (i64.const 96)) (i64.and (local.get 3) (i64.const 0xffff_ffff)))
      (i64.mul (local.get 0) (local.get 1))))
  (func (export "limb_shift31") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.shr_u (local.get 2) (i64.const 31)) (i64.and (local.get 3) (i64.const 0xffff_ffff)))
      (i64.mul (local.get 0) (local.get 1))))
  (func (export "limb_mask16") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.shr_u (local.get 2) (i64.const 32)) (i64.and (local.get 3) (i64.const 0xffff)))
      (i64.mul (local.get 0) (local.get 1))))
  (func (export "limb_alias") (param i64 i64) (result i64)
    (i64.add
      (i64.add (i64.shr_u (local.get 0) (i64.const 32)) (i64.and (local.get 0) (i64.const 0xffff_ffff)))
      (i64.mul (local.get 0) (local.get 1))))
  (func (export "limb_imm") (param i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.shr_u (local.get 1) (i64.const 32)) (i64.and (local.get 2) (i64.const 0xffff_ffff)))
      (i64.mul (local.get 0) (i64.const 3632069959))))
  (func (export "limb_imm_wide") (param i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.shr_u (local.get 1) (i64.const 32)) (i64.and (local.get 2) (i64.const 0xffff_ffff)))
      (i64.mul (local.get 0) (i64.const 0x1_0000_0001))))
  ;; the same limb with the carry added last (mul256's order), a shift
  ;; counted modulo 64, an alias, and a shift or mask past the fused form
  (func (export "limb_hi_last") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.and (local.get 2) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1)))
      (i64.shr_u (local.get 3) (i64.const 32))))
  (func (export "limb_hi_last_shift96") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.and (local.get 2) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1)))
      (i64.shr_u (local.get 3) (i64.const 96))))
  (func (export "limb_hi_last_shift31") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.and (local.get 2) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1)))
      (i64.shr_u (local.get 3) (i64.const 31))))
  (func (export "limb_hi_last_mask16") (param i64 i64 i64 i64) (result i64)
    (i64.add
      (i64.add (i64.and (local.get 2) (i64.const 0xffff)) (i64.mul (local.get 0) (local.get 1)))
      (i64.shr_u (local.get 3) (i64.const 32))))
  (func (export "limb_hi_last_alias") (param i64 i64) (result i64)
    (i64.add
      (i64.add (i64.and (local.get 0) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1)))
      (i64.shr_u (local.get 0) (i64.const 32))))
  ;; mul256's chain: each limb's sum kept with local.tee in the local
  ;; whose carry the next limb adds
  (func (export "limbs_hi_last") (param i64 i64 i64 i64) (result i64)
    (local.set 2
      (i64.add
        (i64.add (i64.and (local.get 2) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1)))
        (i64.shr_u (local.get 3) (i64.const 32))))
    (local.set 3
      (i64.add
        (i64.add (i64.and (local.tee 2 (local.get 2)) (i64.const 0xffff_ffff)) (i64.mul (local.get 1) (local.get 3)))
        (i64.shr_u (local.get 3) (i64.const 32))))
    (i64.xor (local.get 2) (local.get 3)))
  ;; stores at a constant address (the address and offset one immediate):
  ;; read back, at the memory's end, one byte past it, and an address and
  ;; offset past 2^32 (a trap, not a wrap)
  (func (export "store_at") (param i64) (result i64)
    (i64.store offset=8 (i32.const 16) (local.get 0))
    (i64.load (i32.const 24)))
  (func (export "store_at_end") (param i64) (result i64)
    (i64.store offset=65520 (i32.const 8) (local.get 0))
    (i64.load (i32.const 65528)))
  (func (export "store32_at_past_end") (param i64) (result i64)
    (i64.store32 offset=65530 (i32.const 3) (local.get 0))
    (i64.const 1))
  (func (export "store8_at_past_4g") (param i64) (result i64)
    (i64.store8 offset=1 (i32.const -1) (local.get 0))
    (i64.const 1))
  (func (export "store16_at_end") (param i32) (result i32)
    (i32.store16 (i32.const 65534) (local.get 0))
    (i32.load16_u (i32.const 65534)))
  ;; two limbs in a row, each kept with local.tee in a local it reads, as
  ;; compiled multi-word code does
  (func (export "limbs") (param i64 i64 i64 i64) (result i64)
    (local.set 2
      (i64.add
        (i64.add (i64.shr_u (local.get 2) (i64.const 32)) (i64.and (local.get 3) (i64.const 0xffff_ffff)))
        (i64.mul (local.get 0) (local.get 1))))
    (local.set 3
      (i64.add
        (i64.add (i64.shr_u (local.tee 2 (local.get 2)) (i64.const 32)) (i64.and (local.get 3) (i64.const 0xffff_ffff)))
        (i64.mul (local.get 2) (i64.const 0xd87c_fd47))))
    (i64.xor (local.get 2) (local.get 3)))
  ;; SHA-2's majority (either order of the and's operands), its halves,
  ;; and a near miss (another word in the second and: not the majority, the
  ;; same results); the sigmas with the next word added on
  (func (export "xor_and") (param i32 i32 i32) (result i32)
    (i32.and (local.get 2) (i32.xor (local.get 0) (local.get 1))))
  (func (export "and_xor") (param i32 i32 i32) (result i32)
    (i32.xor (i32.and (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "maj") (param i32 i32 i32) (result i32)
    (i32.xor
      (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 2))
      (i32.and (local.get 0) (local.get 1))))
  (func (export "maj_swapped") (param i32 i32 i32) (result i32)
    (i32.xor
      (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 2))
      (i32.and (local.get 1) (local.get 0))))
  (func (export "maj_near_miss") (param i32 i32 i32) (result i32)
    (i32.xor
      (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 2))
      (i32.and (local.get 0) (local.get 2))))
  (func (export "maj_into") (param i32 i32 i32) (result i32)
    (local.set 0
      (i32.xor
        (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 0))
        (i32.and (local.get 0) (local.get 1))))
    (local.get 0))
  (func (export "big_sigma_add") (param i32 i32) (result i32)
    (i32.add
      (local.get 1)
      (i32.xor
        (i32.xor (i32.rotl (local.get 0) (i32.const 30)) (i32.rotl (local.get 0) (i32.const 19)))
        (i32.rotl (local.get 0) (i32.const 10)))))
  (func (export "rotl_xor_add") (param i32 i32 i32) (result i32)
    (i32.add (i32.xor (i32.rotl (local.get 0) (i32.const 39)) (local.get 1)) (local.get 2)))
  (func (export "shr_xor_add") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.xor (i32.shr_u (local.get 0) (i32.const 3)) (local.get 1))))
  (func (export "shr_xor_add_alias") (param i32 i32) (result i32)
    (local.set 1 (i32.add (i32.xor (i32.shr_u (local.get 1) (i32.const 35)) (local.get 0)) (local.get 1)))
    (local.get 1))
  (func (export "choice_add") (param i32 i32 i32) (result i32)
    (i32.add
      (i32.and (local.get 0) (local.get 1))
      (i32.and (i32.xor (local.get 0) (i32.const -1)) (local.get 2))))
  ;; the fused value kept in a local with local.tee, then used twice
  (func (export "tee") (param i64 i64 i64) (result i64) (local i64)
    (i64.add
      (local.tee 3 (i64.add (i64.mul (local.get 0) (local.get 1)) (local.get 2)))
      (local.get 3)))
  ;; a countdown: local.tee of x + -1, then br_if on it (runs (x & 15) + 1
  ;; times), and br_if, if and a tee'd if on an addition that may wrap to 0
  (func (export "countdown") (param i32) (result i32) (local i32)
    (local.set 0 (i32.add (i32.and (local.get 0) (i32.const 15)) (i32.const 1)))
    (loop $l
      (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 3)) (local.get 0)))
      (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
    (i32.add (local.get 1) (local.get 0)))
  (func (export "add_br_if") (param i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 7) (i32.add (local.get 0) (i32.const 1))))
      (i32.const 9)))
  (func (export "add_if") (param i32) (result i32)
    (if (result i32) (i32.add (local.get 0) (i32.const -8))
      (then (i32.const 1))
      (else (i32.const 2))))
  (func (export "add_tee_if") (param i32) (result i32) (local i32)
    (if (local.tee 1 (i32.add (local.get 0) (i32.const 0x7fff_ffff)))
      (then (local.set 1 (i32.mul (local.get 1) (i32.const 3)))))
    (local.get 1))
  ;; a word assembled by shifts, masks and ors (a byte swap's step), with
  ;; shifts past the width (taken modulo it) and an alias
  (func (export "shl_or64") (param i64 i64) (result i64)
    (i64.or (i64.shl (local.get 0) (i64.const 8)) (local.get 1)))
  (func (export "shl_or64_wide") (param i64 i64) (result i64)
    (i64.or (local.get 1) (i64.shl (local.get 0) (i64.const 67))))
  (func (export "shl_or32") (param i32 i32) (result i32)
    (i32.or (local.get 1) (i32.shl (local.get 0) (i32.const 24))))
  (func (export "shl_or32_wide") (param i32 i32) (result i32)
    (i32.or (i32.shl (local.get 0) (i32.const 33)) (local.get 1)))
  (func (export "and_or64") (param i64 i64) (result i64)
    (i64.or (local.get 1) (i64.and (local.get 0) (i64.const 0xff))))
  (func (export "bswap_step") (param i64 i64) (result i64)
    (local.set 1 (i64.or (i64.shl (local.get 1) (i64.const 8)) (i64.and (local.get 0) (i64.const 0xff))))
    (local.get 1))
  ;; a load at base + constant: the addition wraps at 2^32 before the offset
  (func (export "load_at") (param i32) (result i32)
    (i32.load offset=4 (i32.add (local.get 0) (i32.const -8))))
  ;; a load at base + index: the addition wraps at 2^32 too
  (func (export "load_add") (param i32 i32) (result i32)
    (i32.load offset=4 (i32.add (local.get 0) (local.get 1))))
  (func (export "load64_add") (param i32 i32) (result i64)
    (i64.load (i32.add (local.get 1) (local.get 0))))
  (func (export "load64_at") (param i32) (result i64)
    (i64.load (i32.add (local.get 0) (i32.const 65520))))
)"#;

mod agree;

#[test]
fn fused_operators_agree_with_wasmi_on_every_input() {
    let checked = agree::every_export_agrees_with_wasmi(WAT);
    assert!(checked > 1_000, "{checked} calls compared");
}

#[test]
fn a_load_whose_address_wraps_reads_low_memory() {
    let (_, mut store, instance) = agree::iris_instance(WAT);
    // 4 + (4 - 8 mod 2^32) = 4 + 0xffff_fffc: out of bounds, not byte 0.
    let err =
        agree::iris_call(&mut store, instance, "load_at", &[engine::Val::I32(4)]).unwrap_err();
    assert!(err.contains("out of bounds"), "{err}");
    // 8 - 8 = 0, plus offset 4: bytes 4..8.
    let ok = agree::iris_call(&mut store, instance, "load_at", &[engine::Val::I32(8)]).unwrap();
    assert_eq!(ok, vec![engine::Val::I32(0x0807_0605)]);
    // 8 + 65520 = 65528: the last 8 bytes of memory.
    let ok = agree::iris_call(&mut store, instance, "load64_at", &[engine::Val::I32(8)]).unwrap();
    assert_eq!(ok, vec![engine::Val::I64(0xf8f7_f6f5_f4f3_f2f1_u64 as i64)]);
}

/// Instructions Iris runs for a module with one function of `body`.
fn instructions(params: &str, result: &str, body: &str) -> usize {
    let wat = format!(
        "(module (memory 1) (func (export \"f\") (param {params}) (result {result}) {body}))"
    );
    let engine = engine::Engine::default();
    engine::Module::from_wat(&engine, &wat)
        .expect("compiles")
        .instruction_count()
}

#[test]
fn each_pattern_becomes_one_instruction() {
    // Each body: the fused instruction and the return.
    let cases = [
        ("i64 i64 i64", "i64", "(i64.add (i64.mul (local.get 0) (local.get 1)) (local.get 2))"),
        ("i64 i64 i64", "i64", "(i64.add (i64.add (i64.mul (local.get 0) (local.get 1)) (local.get 2)) (local.get 1))"),
        ("i64 i64", "i64", "(i64.add (i64.mul (local.get 0) (i64.const 3)) (local.get 1))"),
        ("i32 i32 i32", "i32", "(i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2))"),
        ("i64 i64 i64", "i64", "(i64.add (i64.add (local.get 0) (local.get 1)) (local.get 2))"),
        ("i32 i32", "i32", "(i32.add (i32.add (local.get 0) (local.get 1)) (i32.const 9))"),
        ("i64 i64", "i64", "(i64.add (i64.and (local.get 0) (i64.const 255)) (local.get 1))"),
        ("i64 i64", "i64", "(i64.shr_u (i64.add (local.get 0) (local.get 1)) (i64.const 32))"),
        ("i32 i32", "i32", "(i32.xor (i32.rotl (local.get 0) (i32.const 7)) (local.get 1))"),
        ("i32 i32", "i32", "(i32.xor (i32.rotl (local.get 0) (i32.const 7)) (i32.rotl (local.get 1) (i32.const 9)))"),
        ("i32", "i32", "(i32.load (i32.add (local.get 0) (i32.const -4)))"),
        ("i32", "i64", "(i64.load offset=8 (i32.add (local.get 0) (i32.const 16)))"),
        ("i32 i32", "i32", "(i32.load (i32.add (local.get 0) (local.get 1)))"),
        ("i32 i32", "i64", "(i64.load offset=8 (i32.add (local.get 1) (local.get 0)))"),
        ("i64 i64 i64", "i64", "(i64.xor (i64.xor (local.get 0) (local.get 1)) (local.get 2))"),
        ("i64 i64", "i64", "(i64.xor (i64.rotl (local.get 0) (i64.const 1)) (local.get 1))"),
        ("i64 i64", "i64", "(i64.rotl (i64.xor (local.get 0) (local.get 1)) (i64.const 3))"),
        ("i64 i64", "i64", "(i64.and (i64.xor (local.get 0) (i64.const -1)) (local.get 1))"),
        ("i32 i32", "i32", "(i32.and (i32.xor (local.get 0) (i32.const -1)) (local.get 1))"),
        ("i32 i32", "i32", "(i32.xor (i32.shr_u (local.get 0) (i32.const 3)) (local.get 1))"),
        ("i64 i64", "i64", "(i64.add (local.get 1) (i64.shr_u (local.get 0) (i64.const 32)))"),
        ("i64 i64 i64", "i64", "(i64.add (i64.mul (local.get 0) (local.get 1)) (i64.shr_u (local.get 2) (i64.const 32)))"),
        ("i64 i64 i64", "i64", "(i64.add (i64.and (local.get 2) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1)))"),
        ("i64 i64", "i64", "(i64.add (i64.shr_u (local.get 0) (i64.const 32)) (i64.and (local.get 1) (i64.const 0xffff_ffff)))"),
        ("i64 i64 i64 i64", "i64", "(i64.add (i64.add (i64.shr_u (local.get 2) (i64.const 32)) (i64.and (local.get 3) (i64.const 0xffff_ffff))) (i64.mul (local.get 0) (local.get 1)))"),
        ("i64 i64 i64", "i64", "(i64.add (i64.add (i64.shr_u (local.get 1) (i64.const 32)) (i64.and (local.get 2) (i64.const 0xffff_ffff))) (i64.mul (local.get 0) (i64.const 7)))"),
        ("i64 i64 i64 i64", "i64", "(i64.add (i64.add (i64.and (local.get 2) (i64.const 0xffff_ffff)) (i64.mul (local.get 0) (local.get 1))) (i64.shr_u (local.get 3) (i64.const 32)))"),
        ("i64", "i64", "(i64.store offset=8 (i32.const 16) (local.get 0)) (local.get 0)"),
        ("i32", "i32", "(i32.store8 (i32.const 7) (local.get 0)) (local.get 0)"),
        ("i32 i32 i32", "i32", "(i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 2))"),
        ("i32 i32 i32", "i32", "(i32.xor (local.get 2) (i32.and (local.get 0) (local.get 1)))"),
        ("i32 i32 i32", "i32", "(i32.xor (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 2)) (i32.and (local.get 1) (local.get 0)))"),
        ("i32 i32 i32", "i32", "(i32.add (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (local.get 1)) (local.get 2))"),
        ("i32 i32 i32", "i32", "(i32.add (local.get 2) (i32.xor (i32.shr_u (local.get 0) (i32.const 3)) (local.get 1)))"),
        ("i32 i32 i32", "i32", "(i32.add (local.get 2) (i32.and (i32.xor (local.get 0) (i32.const -1)) (local.get 1)))"),
        ("i64 i64 i64", "i64", "(i64.xor (local.get 0) (i64.and (i64.xor (local.get 1) (i64.const -1)) (local.get 2)))"),
        ("i64 i64", "i64", "(i64.or (i64.shl (local.get 0) (i64.const 8)) (local.get 1))"),
        ("i32 i32", "i32", "(i32.or (local.get 1) (i32.shl (local.get 0) (i32.const 8)))"),
        ("i64 i64", "i64", "(i64.or (local.get 1) (i64.and (local.get 0) (i64.const 255)))"),
    ];
    for (params, result, body) in cases {
        assert_eq!(instructions(params, result, body), 2, "{body}");
    }
    // An addition branched on costs no instruction of its own, whether
    // its value is a temporary or kept in a local by `local.tee`.
    let plain = instructions(
        "i32",
        "i32",
        "(block (br_if 0 (local.get 0))) (i32.const 0)",
    );
    for body in [
        "(block (br_if 0 (i32.add (local.get 0) (i32.const -1)))) (i32.const 0)",
        "(block (br_if 0 (local.tee 0 (i32.add (local.get 0) (i32.const -1))))) (i32.const 0)",
        "(if (i32.add (local.get 0) (i32.const 3)) (then (nop))) (i32.const 0)",
    ] {
        assert_eq!(instructions("i32", "i32", body), plain, "{body}");
    }
    // An operand computed between the two halves of a fused pair moves
    // before them, if it neither traps nor writes what they read.
    let chi = |last: &str| {
        format!("(i64.xor (i64.and (i64.xor (local.get 0) (i64.const -1)) (local.get 1)) {last})")
    };
    for (last, count) in [
        ("(i64.sub (local.get 2) (local.get 0))", 3),
        ("(i64.mul (local.get 2) (local.get 0))", 3),
        ("(local.tee 1 (i64.rotl (local.get 2) (i64.const 5)))", 4),
        ("(i64.div_s (local.get 2) (local.get 1))", 4),
        ("(i64.load (i32.wrap_i64 (local.get 2)))", 4),
    ] {
        assert_eq!(
            instructions("i64 i64 i64", "i64", &chi(last)),
            count,
            "{last}"
        );
    }
    // Copies just before a `br` go with it: one or two in one instruction.
    for (body, count) in [
        ("(block (loop (local.set 1 (local.get 0)) (br 0))) (local.get 1)", 2),
        (
            "(block (loop (local.set 1 (local.get 0)) (local.set 0 (local.get 1)) (br 0))) (local.get 1)",
            2,
        ),
        (
            "(block (loop (local.set 1 (local.get 0)) (local.set 0 (local.get 1)) (local.set 2 (local.get 0)) (br 0))) (local.get 1)",
            3,
        ),
    ] {
        assert_eq!(instructions("i32 i32 i32", "i32", body), count, "{body}");
    }
    // A value kept in a local is not a temporary: no fusion past it.
    let kept =
        "(local.set 1 (i64.mul (local.get 0) (local.get 0))) (i64.add (local.get 1) (local.get 1))";
    assert_eq!(instructions("i64 i64", "i64", kept), 3, "{kept}");
}
