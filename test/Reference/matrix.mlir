// matmul (2-D, broadcast batch dims, transpose flags, integers), attention
// (scale, causal with Sq == Skv and Sq < Skv, additive mask, key padding
// mask, GQA, MQA, sliding window with and without causal, ALiBi for 4 and 3
// heads, Dv != D, rows with every key masked) and rope (rotate-half and
// interleaved), against NumPy.

// RUN: rm -rf %t && mkdir -p %t

// RUN: %python %S/Inputs/ref_cases.py matmul %t/matmul
// RUN: tfc-reference %s --entry matmul --output-dir %t/matmul \
// RUN:   --input a=%t/matmul/a.npy --input w=%t/matmul/w.npy --input ba=%t/matmul/ba.npy \
// RUN:   --input bw=%t/matmul/bw.npy --input at=%t/matmul/at.npy --input wt=%t/matmul/wt.npy \
// RUN:   --input ia=%t/matmul/ia.npy --input iw=%t/matmul/iw.npy
// RUN: %python %S/check_npy.py --dir %t/matmul --rtol 1e-6 --atol 1e-6
func.func @matmul(%a: tensor<3x4xf32> {tfc.name = "a"}, %w: tensor<4x5xf32> {tfc.name = "w"},
                  %ba: tensor<2x1x3x4xf32> {tfc.name = "ba"},
                  %bw: tensor<5x4x6xf32> {tfc.name = "bw"},
                  %at: tensor<2x4x3xf32> {tfc.name = "at"}, %wt: tensor<5x4xf32> {tfc.name = "wt"},
                  %ia: tensor<2x3xi32> {tfc.name = "ia"}, %iw: tensor<3x2xi32> {tfc.name = "iw"})
    -> (tensor<3x5xf32> {tfc.name = "mm"}, tensor<2x5x3x6xf32> {tfc.name = "batched"},
        tensor<2x3x5xf32> {tfc.name = "trans"}, tensor<2x2xi32> {tfc.name = "imm"}) {
  %0 = tfc.matmul %a, %w : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %1 = tfc.matmul %ba, %bw : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  %2 = tfc.matmul %at, %wt {transpose_lhs = true, transpose_rhs = true}
      : (tensor<2x4x3xf32>, tensor<5x4xf32>) -> tensor<2x3x5xf32>
  %3 = tfc.matmul %ia, %iw {accumulator_type = i32}
      : (tensor<2x3xi32>, tensor<3x2xi32>) -> tensor<2x2xi32>
  return %0, %1, %2, %3 : tensor<3x5xf32>, tensor<2x5x3x6xf32>, tensor<2x3x5xf32>,
      tensor<2x2xi32>
}

// RUN: %python %S/Inputs/ref_cases.py attention %t/attention
// RUN: tfc-reference %s --entry attention --output-dir %t/attention \
// RUN:   --input q=%t/attention/q.npy --input k=%t/attention/k.npy --input v=%t/attention/v.npy \
// RUN:   --input kg=%t/attention/kg.npy --input vg=%t/attention/vg.npy \
// RUN:   --input k1=%t/attention/k1.npy --input v1=%t/attention/v1.npy \
// RUN:   --input mask=%t/attention/mask.npy --input kpm=%t/attention/kpm.npy \
// RUN:   --input q3=%t/attention/q3.npy --input k3=%t/attention/k3.npy --input v3=%t/attention/v3.npy \
// RUN:   --input ql=%t/attention/ql.npy --input kl=%t/attention/kl.npy --input vl=%t/attention/vl.npy
// RUN: %python %S/check_npy.py --dir %t/attention --rtol 1e-6 --atol 1e-6
func.func @attention(%q: tensor<2x4x5x8xf32> {tfc.name = "q"},
                     %k: tensor<2x4x5x8xf32> {tfc.name = "k"},
                     %v: tensor<2x4x5x6xf32> {tfc.name = "v"},
                     %kg: tensor<2x2x7x8xf32> {tfc.name = "kg"},
                     %vg: tensor<2x2x7x6xf32> {tfc.name = "vg"},
                     %k1: tensor<2x1x5x8xf32> {tfc.name = "k1"},
                     %v1: tensor<2x1x5x6xf32> {tfc.name = "v1"},
                     %mask: tensor<1x1x5x5xf32> {tfc.name = "mask"},
                     %kpm: tensor<2x1x1x7xf32> {tfc.name = "kpm"},
                     %q3: tensor<1x3x4x8xf32> {tfc.name = "q3"},
                     %k3: tensor<1x3x4x8xf32> {tfc.name = "k3"},
                     %v3: tensor<1x3x4x8xf32> {tfc.name = "v3"},
                     %ql: tensor<1x2x6x8xf32> {tfc.name = "ql"},
                     %kl: tensor<1x2x3x8xf32> {tfc.name = "kl"},
                     %vl: tensor<1x2x3x8xf32> {tfc.name = "vl"})
    -> (tensor<2x4x5x6xf32> {tfc.name = "plain"}, tensor<2x4x5x6xf32> {tfc.name = "causal"},
        tensor<2x4x5x6xf32> {tfc.name = "masked"}, tensor<2x4x5x6xf32> {tfc.name = "gqa_causal"},
        tensor<2x4x5x6xf32> {tfc.name = "gqa_kpm"}, tensor<2x4x5x6xf32> {tfc.name = "window"},
        tensor<2x4x5x6xf32> {tfc.name = "window_only"}, tensor<2x4x5x6xf32> {tfc.name = "mqa"},
        tensor<2x4x5x6xf32> {tfc.name = "alibi"}, tensor<1x3x4x8xf32> {tfc.name = "alibi3"},
        tensor<1x2x6x8xf32> {tfc.name = "dead_rows"}) {
  %0 = tfc.attention %q, %k, %v {scale = 0.35 : f32}
      : (tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
  %1 = tfc.attention %q, %k, %v {scale = 0.35 : f32, causal = true}
      : (tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
  %2 = tfc.attention %q, %k, %v, mask %mask {scale = 0.35 : f32, causal = true}
      : (tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>, tensor<2x4x5x6xf32>, tensor<1x1x5x5xf32>)
      -> tensor<2x4x5x6xf32>
  %3 = tfc.attention %q, %kg, %vg {scale = 0.35 : f32, causal = true}
      : (tensor<2x4x5x8xf32>, tensor<2x2x7x8xf32>, tensor<2x2x7x6xf32>) -> tensor<2x4x5x6xf32>
  %4 = tfc.attention %q, %kg, %vg, mask %kpm {scale = 0.35 : f32}
      : (tensor<2x4x5x8xf32>, tensor<2x2x7x8xf32>, tensor<2x2x7x6xf32>, tensor<2x1x1x7xf32>)
      -> tensor<2x4x5x6xf32>
  %5 = tfc.attention %q, %kg, %vg {scale = 0.35 : f32, causal = true, window = 3 : i64}
      : (tensor<2x4x5x8xf32>, tensor<2x2x7x8xf32>, tensor<2x2x7x6xf32>) -> tensor<2x4x5x6xf32>
  %6 = tfc.attention %q, %k, %v {scale = 0.35 : f32, window = 2 : i64}
      : (tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
  %7 = tfc.attention %q, %k1, %v1 {scale = 0.35 : f32, causal = true}
      : (tensor<2x4x5x8xf32>, tensor<2x1x5x8xf32>, tensor<2x1x5x6xf32>) -> tensor<2x4x5x6xf32>
  %8 = tfc.attention %q, %k, %v {scale = 0.35 : f32, causal = true, alibi = true}
      : (tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
  %9 = tfc.attention %q3, %k3, %v3 {scale = 0.35 : f32, causal = true, alibi = true}
      : (tensor<1x3x4x8xf32>, tensor<1x3x4x8xf32>, tensor<1x3x4x8xf32>) -> tensor<1x3x4x8xf32>
  %10 = tfc.attention %ql, %kl, %vl {scale = 0.35 : f32, causal = true}
      : (tensor<1x2x6x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x6x8xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10
      : tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>,
        tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>,
        tensor<2x4x5x6xf32>, tensor<1x3x4x8xf32>, tensor<1x2x6x8xf32>
}

// RUN: %python %S/Inputs/ref_cases.py rope %t/rope
// RUN: tfc-reference %s --entry rope --output-dir %t/rope --input x=%t/rope/x.npy \
// RUN:   --input cos_half=%t/rope/cos_half.npy --input sin_half=%t/rope/sin_half.npy \
// RUN:   --input cos_inter=%t/rope/cos_inter.npy --input sin_inter=%t/rope/sin_inter.npy
// RUN: %python %S/check_npy.py --dir %t/rope --rtol 1e-6 --atol 1e-7
func.func @rope(%x: tensor<1x2x4x8xf32> {tfc.name = "x"},
                %ch: tensor<4x8xf32> {tfc.name = "cos_half"},
                %sh: tensor<4x8xf32> {tfc.name = "sin_half"},
                %ci: tensor<4x8xf32> {tfc.name = "cos_inter"},
                %si: tensor<4x8xf32> {tfc.name = "sin_inter"})
    -> (tensor<1x2x4x8xf32> {tfc.name = "half"}, tensor<1x2x4x8xf32> {tfc.name = "inter"}) {
  %0 = tfc.rope %x, %ch, %sh
      : (tensor<1x2x4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %1 = tfc.rope %x, %ci, %si {interleaved = true}
      : (tensor<1x2x4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  return %0, %1 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}
