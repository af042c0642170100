;; Counter: each call adds one to storage slot 0 (a big-endian 256-bit word)
;; and returns the new value.
;; EXPECT: input=0x status=Success gas_used=20200 output=0x0000000000000000000000000000000000000000000000000000000000000001
;; EXPECT: input=0x status=Success gas_used=5200 output=0x0000000000000000000000000000000000000000000000000000000000000002
;; EXPECT: input=0x status=Success gas_used=5200 output=0x0000000000000000000000000000000000000000000000000000000000000003
(module
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  ;; Memory: the key (32 zero bytes) at 0, the value at 32.

  ;; Reverses the byte order of a 64-bit integer.
  (func $bswap64 (param $x i64) (result i64)
    (local $r i64)
    (local $i i32)
    (loop $next
      (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8))
                            (i64.and (local.get $x) (i64.const 0xff))))
      (local.set $x (i64.shr_u (local.get $x) (i64.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 8))))
    (local.get $r))

  (func (export "main")
    (call $storageLoad (i32.const 0) (i32.const 32))
    ;; The low 64 bits of the word are its last 8 bytes, big-endian.
    (i64.store (i32.const 56)
      (call $bswap64
        (i64.add (call $bswap64 (i64.load (i32.const 56))) (i64.const 1))))
    (call $storageStore (i32.const 0) (i32.const 32))
    (call $finish (i32.const 32) (i32.const 32))))
