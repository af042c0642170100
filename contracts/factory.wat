;; Factory: creates a child contract from the init code below, calls it, and
;; returns what the child returned ("child"), then the child's address.
;; The init code (bytes at 1024) deploys this child:
;;   (module
;;     (import "ethereum" "finish" (func $finish (param i32 i32)))
;;     (memory (export "memory") 1)
;;     (data (i32.const 0) "child")
;;     (func (export "main") (call $finish (i32.const 0) (i32.const 5))))
;; by returning it with `finish` (init code: the same module shape, whose
;; data segment holds the child's binary). Both were compiled with wat2wasm.
;; EXPECT: input=0x status=Success gas_used=51308 output=0x6368696c64fa847b98aca81aacaadb8a49fa8d319fef8a90bd
;; EXPECT: input=0x status=Success gas_used=51308 output=0x6368696c6478a50fb10cc819475fcd8da14bdf737e960600fb
(module
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
  (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  ;; Memory: 0 value (16 zero bytes), 32 output ("child" + address),
  ;; 1024 init code.
  (data (i32.const 1024)
    "\00\61\73\6d\01\00\00\00\01\09\02\60\02\7f\7f\00\60\00\00\02\13\01\08\65\74\68\65\72\65\75\6d\06"
    "\66\69\6e\69\73\68\00\00\03\02\01\01\05\03\01\00\01\07\11\02\06\6d\65\6d\6f\72\79\02\00\04\6d\61"
    "\69\6e\00\01\0a\0b\01\09\00\41\00\41\dd\00\10\00\0b\0b\63\01\00\41\00\0b\5d\00\61\73\6d\01\00\00"
    "\00\01\09\02\60\02\7f\7f\00\60\00\00\02\13\01\08\65\74\68\65\72\65\75\6d\06\66\69\6e\69\73\68\00"
    "\00\03\02\01\01\05\03\01\00\01\07\11\02\06\6d\65\6d\6f\72\79\02\00\04\6d\61\69\6e\00\01\0a\0a\01"
    "\08\00\41\00\41\05\10\00\0b\0b\0b\01\00\41\00\0b\05\63\68\69\6c\64")
  (func (export "main")
    (local $size i32)
    ;; create(value, init code, length, where the address goes)
    (if (call $create (i32.const 0) (i32.const 1024) (i32.const 182) (i32.const 64))
      (then (call $revert (i32.const 0) (i32.const 0))))
    ;; call(gas, address, value, data, length)
    (if (call $call (i64.const 100000) (i32.const 64) (i32.const 0) (i32.const 0) (i32.const 0))
      (then (call $revert (i32.const 0) (i32.const 0))))
    (local.set $size (call $getReturnDataSize))
    (call $returnDataCopy (i32.const 32) (i32.const 0) (local.get $size))
    ;; The child's output ("child", 5 bytes) goes just before its address.
    (memory.copy (i32.add (i32.const 32) (local.get $size)) (i32.const 64) (i32.const 20))
    (call $finish (i32.const 32) (i32.add (local.get $size) (i32.const 20)))))
