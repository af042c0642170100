;; Reverter: writes storage, logs, then reverts with the message "nope".
;; Nothing it did remains; the gas it did not use is returned.
;; EXPECT: input=0x status=Revert gas_used=20407 output=0x6e6f7065
;; EXPECT: input=0x status=Revert gas_used=20407 output=0x6e6f7065
(module
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 32) "\01")
  (data (i32.const 64) "nope")
  (func (export "main")
    (call $storageStore (i32.const 0) (i32.const 32))
    (call $log (i32.const 64) (i32.const 4) (i32.const 0)
               (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $revert (i32.const 64) (i32.const 4))))
