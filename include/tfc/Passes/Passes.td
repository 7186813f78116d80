//===- Passes.td - tfc passes ------------------------------*- tablegen -*-===//
//
// Every tfc pass, with the documentation `tfc-opt --help` prints.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PASSES_TD
#define TFC_PASSES_TD

include "mlir/Pass/PassBase.td"

def SetTarget : Pass<"tfc-set-target", "::mlir::ModuleOp"> {
  let summary = "Attach the #tfc.target GPU description to the module";
  let description = [{
    Sets the module attribute `tfc.target` from a preset (`sm_80`, `sm_90a`,
    `sm_90a-h200`) and optional field overrides, so that tiling and the cost
    model read the GPU's numbers from one place. An existing `tfc.target` is
    replaced only when `preset` is given explicitly or overrides are given
    (overrides then apply on top of the existing attribute).

    ```
    tfc-opt --tfc-set-target="preset=sm_90a overrides=smem_per_block=101376,l2_bytes=41943040"
    ```
  }];
  let options = [
    Option<"preset", "preset", "std::string", /*default=*/"\"\"",
           "GPU preset: sm_80, sm_90a (H100) or sm_90a-h200 (H200); default "
           "sm_90a when the module has no target">,
    ListOption<"overrides", "overrides", "std::string",
               "field=value pairs that override preset fields, e.g. "
               "smem_per_block=101376">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def WrapInFusions : Pass<"tfc-wrap-in-fusions", "::mlir::func::FuncOp"> {
  let summary = "Put every compute op that is not yet fused in its own tfc.fusion";
  let description = [{
    The baseline grouping: each tfc compute op outside a `tfc.fusion` becomes
    a one-op fusion, so that every op gets a kernel. Ops that need no kernel
    stay outside: `tfc.constant`, `tfc.parameter` and `tfc.reshape` (a
    reshape of a contiguous tensor is a view). Runs after the real fusion
    pass, and alone until that pass exists.

    ```mlir
    %0 = tfc.softmax %x {axis = 1 : i64} : tensor<4x8xf32>
    // becomes
    %0 = tfc.fusion "softmax" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
    ^bb0(%a: tensor<4x8xf32>):
      %1 = tfc.softmax %a {axis = 1 : i64} : tensor<4x8xf32>
      tfc.yield %1 : tensor<4x8xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def Raise : Pass<"tfc-raise", "::mlir::func::FuncOp"> {
  let summary = "Raise decomposed norms, activations, attention and RoPE to "
                "semantic ops";
  let description = [{
    Exporters write most of a transformer as primitive arithmetic. This pass
    finds the exact formulas and replaces each by the semantic op that a
    single kernel implements (one pattern per form; a near miss is left
    alone):

    - `RaiseLayerNorm`: `(x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps)`,
      means over the same trailing axes with keep_dims, `/ sqrt` also as
      `* rsqrt`, `* reciprocal(sqrt)` or `* (1 / sqrt)`, square as `pow(., 2)`
      or `d * d`, eps optional -> `tfc.layer_norm`. `RaiseRmsNorm`:
      `x / sqrt(mean(x^2) + eps)` in the same spellings -> `tfc.rms_norm`
      (in f32 when the model casts to f32 around it; the casts stay).
      `FoldScaleIntoNorm` / `FoldBiasIntoLayerNorm` then take a following
      `* gamma` / `+ beta` of the normalised shape into the op.
    - `RaiseGeluTanh`: `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 *
      x^3)))`, x^3 as `pow(x, 3)` or `x * x * x`, products in any order and
      association -> `tfc.gelu approximate = tanh`. `RaiseGeluErf`:
      `0.5 * x * (1 + erf(x / sqrt(2)))` (or `x * (1/sqrt(2))`) ->
      `approximate = none`. Constants must equal the formula's rounded to
      the element type (sqrt(2/pi), 0.044715 and sqrt(2) within 2 ulps).
    - `RaiseSilu`: `x * sigmoid(x)` -> `tfc.silu`.
    - `RaiseCausalAttention` / `RaiseAttention`:
      `matmul(q, kT) [* c | / c] [+ M | where(C, fill, s)] -> softmax(last
      axis) -> matmul(., v)` -> `tfc.attention` with the scale (including
      uniform factors on q or k). The mask becomes `causal = true` only
      when it is a constant whose masked set (`-inf` or finfo.min-like
      entries, the others exactly 0) is exactly the causal set for every
      broadcast index; otherwise it stays as the additive `mask` operand.
      k/v expanded over query-head groups (HF `repeat_kv`) are read before
      the expansion (GQA head counts).
    - `RaiseRotateHalfRope`: `x * cos + concat(-x[..., D/2:],
      x[..., :D/2]) * sin` -> `tfc.rope`.

    ```mlir
    %1 = tfc.pow %x, %three : (tensor<32x512xf32>, tensor<f32>) -> tensor<32x512xf32>
    %2 = tfc.mul %1, %c0_044715 : ...
    %3 = tfc.add %x, %2 : ...
    %4 = tfc.mul %3, %c0_7978846 : ...
    %5 = tfc.tanh %4 : tensor<32x512xf32>
    %6 = tfc.add %5, %one : ...
    %7 = tfc.mul %x, %half : ...
    %8 = tfc.mul %7, %6 : ...
    // becomes
    %8 = tfc.gelu %x approximate = tanh : tensor<32x512xf32>

    %s = tfc.matmul %q, %kT : ... -> tensor<1x4x32x32xf32>
    %t = tfc.mul %s, %c0_1767767 : ...
    %u = tfc.where %tril_inverted, %minus_inf, %t : ...
    %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x4x32x32xf32>
    %o = tfc.matmul %p, %v : ...
    // becomes
    %o = tfc.attention %q, %k, %v {causal = true, scale = 0.176776692 : f32} : ...
    ```

    The pass statistics count what was raised; with `report` a remark on
    each function says what was raised and which semantic ops the function
    now holds (and how many softmaxes remain outside attention).
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function: what was raised, the semantic ops "
           "it now holds, softmaxes left outside attention">,
  ];
  let statistics = [
    Statistic<"numLayerNorm", "raised-layer-norm", "LayerNorms raised">,
    Statistic<"numRmsNorm", "raised-rms-norm", "RMSNorms raised">,
    Statistic<"numAttention", "raised-attention", "Attentions raised">,
    Statistic<"numGelu", "raised-gelu", "GELUs raised">,
    Statistic<"numSilu", "raised-silu", "SiLUs raised">,
    Statistic<"numRope", "raised-rope", "Rotary embeddings raised">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

#endif // TFC_PASSES_TD
