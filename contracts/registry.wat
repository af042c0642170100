;; Registry: each caller keeps one 256-bit word. Called with 32 bytes of
;; call data, it stores them under the caller's address; called with none,
;; it returns the caller's word (zero until set). It deploys itself: while
;; it is being created its account has no code yet, so it returns its own
;; code (`iris run --create --state s.json contracts/registry.wat`).
;; EXPECT: input=0x status=Success gas_used=906 output=0x0000000000000000000000000000000000000000000000000000000000000000
;; EXPECT: input=0x00000000000000000000000000000000000000000000000000000000000000ff status=Success gas_used=20714 output=0x
;; EXPECT: input=0x status=Success gas_used=906 output=0x00000000000000000000000000000000000000000000000000000000000000ff
;; EXPECT: input=0x01 status=Revert gas_used=708 output=0x
(module
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "getExternalCodeSize" (func $getExternalCodeSize (param i32) (result i32)))
  (import "ethereum" "getCodeSize" (func $getCodeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "getCaller" (func $getCaller (param i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  ;; Memory: the key at 0 (12 zero bytes, then the caller's 20), the word
  ;; at 32, this account's address at 64, a copy of the code from 1024.

  (func (export "main")
    (call $getAddress (i32.const 64))
    (if (i32.eqz (call $getExternalCodeSize (i32.const 64)))
      (then
        ;; Being created: deploy this very code.
        (call $codeCopy (i32.const 1024) (i32.const 0) (call $getCodeSize))
        (call $finish (i32.const 1024) (call $getCodeSize))))
    (call $getCaller (i32.const 12))
    (if (i32.eqz (call $getCallDataSize))
      (then
        (call $storageLoad (i32.const 0) (i32.const 32))
        (call $finish (i32.const 32) (i32.const 32))))
    (if (i32.ne (call $getCallDataSize) (i32.const 32))
      (then (call $revert (i32.const 0) (i32.const 0))))
    (call $callDataCopy (i32.const 32) (i32.const 0) (i32.const 32))
    (call $storageStore (i32.const 0) (i32.const 32))))
