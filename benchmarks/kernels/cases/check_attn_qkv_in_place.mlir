// Kernel benchmark case check_attn_qkv_in_place (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<2x200x768xbf16>) -> tensor<2x200x4x64xbf16> {
  %0 = tfc.fusion "attention" (%a0) : (tensor<2x200x768xbf16>) -> tensor<2x200x4x64xbf16> {
  ^bb0(%x0: tensor<2x200x768xbf16>):
    %s:3 = tfc.split %x0 {axis = 2 : i64, sizes = array<i64: 256, 256, 256>} : (tensor<2x200x768xbf16>) -> (tensor<2x200x256xbf16>, tensor<2x200x256xbf16>, tensor<2x200x256xbf16>)
    %q0 = tfc.reshape %s#0 : tensor<2x200x256xbf16> to tensor<2x200x4x64xbf16>
    %q = tfc.transpose %q0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x200x4x64xbf16>) -> tensor<2x4x200x64xbf16>
    %k0 = tfc.reshape %s#1 : tensor<2x200x256xbf16> to tensor<2x200x4x64xbf16>
    %k = tfc.transpose %k0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x200x4x64xbf16>) -> tensor<2x4x200x64xbf16>
    %v0 = tfc.reshape %s#2 : tensor<2x200x256xbf16> to tensor<2x200x4x64xbf16>
    %v = tfc.transpose %v0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x200x4x64xbf16>) -> tensor<2x4x200x64xbf16>
    %1 = tfc.attention %q, %k, %v {scale = 0.125 : f32, causal = true} : (tensor<2x4x200x64xbf16>, tensor<2x4x200x64xbf16>, tensor<2x4x200x64xbf16>) -> tensor<2x4x200x64xbf16>
    %2 = tfc.transpose %1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x4x200x64xbf16>) -> tensor<2x200x4x64xbf16>
    tfc.yield %2 : tensor<2x200x4x64xbf16>
  }
  return %0 : tensor<2x200x4x64xbf16>
}
