;; fib.wat - benchmark kernel: naive recursive Fibonacci (call-heavy).
;;
;; run(n) = fib(n) as i64, with fib(0) = 0, fib(1) = 1,
;; fib(n) = fib(n - 1) + fib(n - 2): about 2 * fib(n) calls in all.
;; No memory, no imports.  Built into fib.wasm by build.sh (wat2wasm).
(module
  (func $fib (param $n i32) (result i64)
    (if (result i64) (i32.lt_s (local.get $n) (i32.const 2))
      (then (i64.extend_i32_s (local.get $n)))
      (else
        (i64.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func (export "run") (param $n i32) (result i64)
    (call $fib (local.get $n))))
