;; The two inner loops of the image search, in WebAssembly SIMD (128-bit; Node 16+, every
;; Electron): V8 runs the JavaScript versions (codes.ts) 5–10× slower because it has no
;; popcount or int8 dot-product vector instructions. Compiled by `npm run build:kernels` into
;; kernels-wasm.ts; test/unit/knn-kernels.test.ts checks that file matches this source and
;; that both kernels agree with the JavaScript ones.
(module
  (import "env" "memory" (memory 1))

  ;; Hamming distance of the query's bit code to each of n codes, into u16 out[i]; rows whose
  ;; allowed byte is 0 get 0xffff. A code is m v128 words (m <= 31: lane sums fit a byte).
  (func (export "hamming")
    (param $codes i32) (param $m i32) (param $n i32) (param $q i32) (param $allowed i32) (param $out i32)
    (local $i i32) (local $j i32) (local $p i32) (local $qp i32) (local $acc v128) (local $s v128)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $allowed) (local.get $i))))
          (then
            (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1))) (i32.const 0xffff)))
          (else
            (local.set $p (i32.add (local.get $codes) (i32.mul (local.get $i) (i32.shl (local.get $m) (i32.const 4)))))
            (local.set $qp (local.get $q))
            (local.set $acc (v128.const i64x2 0 0))
            (local.set $j (i32.const 0))
            (loop $words
              (local.set $acc
                (i8x16.add (local.get $acc)
                  (i8x16.popcnt (v128.xor (v128.load (local.get $p)) (v128.load (local.get $qp))))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $qp (i32.add (local.get $qp) (i32.const 16)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $words (i32.lt_u (local.get $j) (local.get $m))))
            (local.set $s (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
            (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))
              (i32.add
                (i32.add (i32x4.extract_lane 0 (local.get $s)) (i32x4.extract_lane 1 (local.get $s)))
                (i32.add (i32x4.extract_lane 2 (local.get $s)) (i32x4.extract_lane 3 (local.get $s)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Integer dot product of an int16 query (dim values) with the int8 code of each listed row
  ;; (i32 row numbers), into i32 out[r]. dim is a multiple of 16; codes are dim bytes apart.
  (func (export "dot8")
    (param $codes i32) (param $dim i32) (param $q i32) (param $rows i32) (param $count i32) (param $out i32)
    (local $r i32) (local $j i32) (local $p i32) (local $qp i32) (local $v v128) (local $acc v128)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $r) (local.get $count)))
        (local.set $p
          (i32.add (local.get $codes)
            (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))) (local.get $dim))))
        (local.set $qp (local.get $q))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (loop $lanes
          (local.set $v (v128.load (local.get $p)))
          (local.set $acc
            (i32x4.add (local.get $acc)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $qp)))))
          (local.set $acc
            (i32x4.add (local.get $acc)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $qp)))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $lanes (i32.lt_u (local.get $j) (local.get $dim))))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each)))))
