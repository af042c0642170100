;; WRC20: a minimal token. Balances are 64-bit amounts kept in storage under
;; the holder's address (12 zero bytes, then the 20 address bytes), as
;; big-endian words. The first call mints 1,000,000 to its caller.
;;
;; Call data: a 4-byte selector, then the arguments.
;;   0x9993021a ADDRESS(20)           balance: returns 8 bytes, big-endian
;;   0x5d359fbd ADDRESS(20) AMOUNT(8) transfer from the caller; reverts with
;;                                    "balance" if it is short; logs
;;                                    Transfer(from, to, amount)
;; Anything else reverts with "selector".
;;
;; The caller of the fixtures is 0xca11e70000000000000000000000000000000001.
;; EXPECT: input=0x9993021aca11e70000000000000000000000000000000001 status=Success gas_used=40410 output=0x00000000000f4240
;; EXPECT: input=0x5d359fbd00000000000000000000000000000000000000aa0000000000000064 status=Success gas_used=27366 output=0x
;; EXPECT: input=0x9993021a00000000000000000000000000000000000000aa status=Success gas_used=410 output=0x0000000000000064
;; EXPECT: input=0x9993021aca11e70000000000000000000000000000000001 status=Success gas_used=410 output=0x00000000000f41dc
;; EXPECT: input=0x5d359fbd00000000000000000000000000000000000000aa00000000ffffffff status=Revert gas_used=410 output=0x62616c616e6365
;; EXPECT: input=0x12345678 status=Revert gas_used=210 output=0x73656c6563746f72
;; EXPECT: input=0x99 status=Revert gas_used=2 output=0x73656c6563746f72
(module
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "getCaller" (func $getCaller (param i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  ;; Memory map:
  ;;   0   call data (up to 32 bytes)
  ;;   64  key scratch (32)        96  value scratch (32)
  ;;   128 the caller's key (32)   160 the recipient's key (32)
  ;;   192 the "minted" flag key   224 Transfer topic
  ;;   256 log data (32)           288 messages
  (data (i32.const 192) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")
  ;; keccak256("Transfer(address,address,uint256)")
  (data (i32.const 224) "\dd\f2\52\ad\1b\e2\c8\9b\69\c2\b0\68\fc\37\8d\aa\95\2b\a7\f1\63\c4\a1\16\28\f5\5a\4d\f5\23\b3\ef")
  (data (i32.const 288) "balanceselector")

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

  ;; The balance stored under the key at $key.
  (func $balanceOf (param $key i32) (result i64)
    (call $storageLoad (local.get $key) (i32.const 96))
    (call $bswap64 (i64.load (i32.const 120))))

  ;; Stores $amount under the key at $key.
  (func $setBalance (param $key i32) (param $amount i64)
    (memory.fill (i32.const 96) (i32.const 0) (i32.const 24))
    (i64.store (i32.const 120) (call $bswap64 (local.get $amount)))
    (call $storageStore (local.get $key) (i32.const 96)))

  ;; Writes the 32-byte key of the 20-byte address at $address to $key.
  (func $keyOf (param $address i32) (param $key i32)
    (memory.fill (local.get $key) (i32.const 0) (i32.const 12))
    (memory.copy (i32.add (local.get $key) (i32.const 12)) (local.get $address) (i32.const 20)))

  (func $fail (param $message i32) (param $len i32)
    (call $revert (local.get $message) (local.get $len)))

  (func (export "main")
    (local $size i32)
    (local $selector i32)
    (local $amount i64)
    (local $have i64)
    (local.set $size (call $getCallDataSize))
    (if (i32.lt_u (local.get $size) (i32.const 4))
      (then (call $fail (i32.const 295) (i32.const 8)) (unreachable)))
    (if (i32.gt_u (local.get $size) (i32.const 32))
      (then (local.set $size (i32.const 32))))
    (call $callDataCopy (i32.const 0) (i32.const 0) (local.get $size))
    ;; The caller's key, and the mint on first use.
    (call $getCaller (i32.const 64))
    (call $keyOf (i32.const 64) (i32.const 128))
    (call $storageLoad (i32.const 192) (i32.const 96))
    (if (i32.eqz (i32.load8_u (i32.const 127)))
      (then
        (call $setBalance (i32.const 128) (i64.const 1000000))
        (memory.fill (i32.const 96) (i32.const 0) (i32.const 31))
        (i32.store8 (i32.const 127) (i32.const 1))
        (call $storageStore (i32.const 192) (i32.const 96))))
    (local.set $selector (call $bswap32 (i32.load (i32.const 0))))
    (if (i32.and (i32.eq (local.get $selector) (i32.const 0x9993021a))
                 (i32.ge_u (local.get $size) (i32.const 24)))
      (then
        (call $keyOf (i32.const 4) (i32.const 160))
        (i64.store (i32.const 256) (call $bswap64 (call $balanceOf (i32.const 160))))
        (call $finish (i32.const 256) (i32.const 8))))
    (if (i32.and (i32.eq (local.get $selector) (i32.const 0x5d359fbd))
                 (i32.ge_u (local.get $size) (i32.const 32)))
      (then
        (local.set $amount (call $bswap64 (i64.load (i32.const 24))))
        (local.set $have (call $balanceOf (i32.const 128)))
        (if (i64.lt_u (local.get $have) (local.get $amount))
          (then (call $fail (i32.const 288) (i32.const 7))))
        (call $setBalance (i32.const 128) (i64.sub (local.get $have) (local.get $amount)))
        (call $keyOf (i32.const 4) (i32.const 160))
        (call $setBalance (i32.const 160)
          (i64.add (call $balanceOf (i32.const 160)) (local.get $amount)))
        ;; Transfer(from, to, amount): the keys are the padded addresses.
        (memory.fill (i32.const 256) (i32.const 0) (i32.const 24))
        (i64.store (i32.const 280) (call $bswap64 (local.get $amount)))
        (call $log (i32.const 256) (i32.const 32) (i32.const 3)
                   (i32.const 224) (i32.const 128) (i32.const 160) (i32.const 0))
        (call $finish (i32.const 0) (i32.const 0))))
    (call $fail (i32.const 295) (i32.const 8)))

  (func $bswap32 (param $x i32) (result i32)
    (i32.or
      (i32.or (i32.shl (local.get $x) (i32.const 24))
              (i32.and (i32.shl (local.get $x) (i32.const 8)) (i32.const 0xff0000)))
      (i32.or (i32.and (i32.shr_u (local.get $x) (i32.const 8)) (i32.const 0xff00))
              (i32.shr_u (local.get $x) (i32.const 24))))))
