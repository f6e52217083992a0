(module
  (memory (export "memory") 1)
  ;; Integer arithmetic: n million iterations of a few i32 operations.
  (func (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $end i32)
    (local.set $end (i32.mul (local.get $n) (i32.const 1000000)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $x (i32.xor (i32.add (i32.mul (local.get $x) (i32.const 31)) (local.get $i)) (i32.shr_u (local.get $x) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $x))
  ;; Memory: n passes over 64 KiB, reading and writing each word.
  (func (export "mem") (param $n i32) (result i32)
    (local $r i32) (local $i i32) (local $sum i32)
    (block $done
      (loop $pass
        (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $end
          (loop $word
            (br_if $end (i32.ge_u (local.get $i) (i32.const 65536)))
            (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (local.get $r)))
            (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $word)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $pass)))
    (local.get $sum))
  ;; Calls: naive Fibonacci.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; Floating point: n million steps of a damped oscillator.
  (func (export "float") (param $n i32) (result f64)
    (local $i i32) (local $x f64) (local $v f64) (local $end i32)
    (local.set $x (f64.const 1))
    (local.set $end (i32.mul (local.get $n) (i32.const 1000000)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (f64.sub (local.get $v) (f64.mul (local.get $x) (f64.const 0.001))))
        (local.set $x (f64.add (local.get $x) (f64.mul (local.get $v) (f64.const 0.001))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $x))
)
