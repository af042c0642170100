;; bulk.wat - benchmark kernel: bulk memory (memory.fill, memory.copy).
;;
;; Three 64 KiB regions: A = [0, 64Ki), B = [64Ki, 128Ki), C = [128Ki, 192Ki).
;; run(n) does n rounds; round i (from 0):
;;   1. memory.fill A with the byte (7 * i + 1) & 0xff;
;;   2. i64.store the running checksum into A at (i * 4104) & 0xfff8;
;;   3. memory.copy A -> B                       (64 KiB, disjoint);
;;   4. memory.copy B[0..65523) -> B[13..65536)  (overlapping, dst > src);
;;   5. memory.copy B[1..65537) -> C             (64 KiB, unaligned source);
;;   6. reads back 16 i64 words of C, 4 KiB apart, at the offset
;;      (i * 8) & 0xff8 in each 4 KiB block, folding each word w into the
;;      checksum: acc = (rotl(acc, 5) ^ w) * 0x100000001b3.
;; The checksum starts at 0x243f6a8885a308d3; run returns it.
;; No imports.  Built into bulk.wasm by build.sh (wat2wasm).
(module
  (memory (export "memory") 4)

  (func (export "run") (param $n i32) (result i64)
    (local $i i32)
    (local $j i32)
    (local $acc i64)
    (local.set $acc (i64.const 0x243f6a8885a308d3))
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; 1. fill A
        (memory.fill
          (i32.const 0)
          (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 1))
          (i32.const 65536))
        ;; 2. leave a mark in A
        (i64.store
          (i32.and (i32.mul (local.get $i) (i32.const 4104)) (i32.const 0xfff8))
          (local.get $acc))
        ;; 3. A -> B
        (memory.copy (i32.const 65536) (i32.const 0) (i32.const 65536))
        ;; 4. B -> B + 13, overlapping
        (memory.copy (i32.const 65549) (i32.const 65536) (i32.const 65523))
        ;; 5. B + 1 -> C
        (memory.copy (i32.const 131072) (i32.const 65537) (i32.const 65536))
        ;; 6. checksum 16 words of C
        (local.set $j (i32.const 0))
        (loop $sum
          (local.set $acc
            (i64.mul
              (i64.xor
                (i64.rotl (local.get $acc) (i64.const 5))
                (i64.load offset=131072
                  (i32.add
                    (i32.shl (local.get $j) (i32.const 12))
                    (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 0xff8)))))
              (i64.const 0x100000001b3)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $sum (i32.lt_u (local.get $j) (i32.const 16))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round)))
    (local.get $acc)))
