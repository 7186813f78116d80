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
    - `RaiseSilu`: `x * sigmoid(x)` -> `tfc.silu`. `RaiseSwiglu`:
      `silu(gate) * up` -> `tfc.swiglu %gate, %up`, with silu(gate) as
      `tfc.silu`, as `gate * sigmoid(gate)` (factors in any order and
      association) or as `cast(silu(cast(gate)))` computed in a wider type;
      gate and up must have the product's type.
    - `RaiseCausalAttention` / `RaiseAttention`:
      `matmul(q, kT) [* c | / c] [+ M | where(C, fill, s)] -> softmax(last
      axis) -> matmul(., v)` -> `tfc.attention` with the scale (including
      uniform factors on q or k). The mask becomes `causal = true` only
      when it is a constant whose masked set (`-inf` or finfo.min-like
      entries, the others exactly 0) is exactly the causal set for every
      broadcast index; otherwise it stays as the additive `mask` operand.
      A `where` condition may also be a `tfc.compare` of constants (seen
      through expand/reshape), evaluated at compile time (up to 2^26
      elements): the Llama/Mistral dynamo exports' `le(key positions,
      query positions)` from two aranges becomes `causal = true`.
      A mask that is exactly causal plus keys more than w - 1 behind the
      query gives `causal = true, window = w` (Mistral's sliding window).
      k/v expanded over query-head groups (HF `repeat_kv`) are read before
      the expansion (GQA head counts). PyTorch's SDPA decomposition is
      matched too: sqrt(scale) on q and k, k^T built in the flattened
      [B*H, D, S] form, and its `where(p != p, 0, p)` guard behind the
      softmax (fully masked rows give zeros, as in `tfc.attention`).
      `CausalizeAttentionMask` / `ReadGroupedKeyValueHeads` do the same
      for an existing `tfc.attention` (imported ONNX Attention): a constant
      causal mask becomes `causal = true`, an all-zero one is dropped, and
      repeat_kv-expanded k/v are read unexpanded.
    - `RaiseRope`: `x * cos + rotate(x) * sin` -> `tfc.rope`, rotate-half
      form `rotate(x) = concat(-x[..., D/2:], x[..., :D/2])`, or
      interleaved form (`interleaved = true`, GPT-J's rotate_every_two)
      `rotate(x) = reshape(concat(unsqueeze(-x[..., 1::2]),
      unsqueeze(x[..., ::2]), axis = -1))`; negation as `neg` or `* -1`.

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
    Statistic<"numSwiglu", "raised-swiglu", "SwiGLUs raised">,
    Statistic<"numRope", "raised-rope", "Rotary embeddings raised">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def CanonicalizeLayout : Pass<"tfc-canonicalize-layout", "::mlir::func::FuncOp"> {
  let summary = "Fold transposes into matmul layouts, cancel reshape/transpose "
                "chains, pack projections that share their input";
  let description = [{
    Removes the data movement exporters add around matmuls, so that every
    kernel reads its operands in the layout they are stored in:

    - `FoldTransposeIntoMatmul`: a `tfc.transpose` that swaps the last two
      dims (others in place) feeding a `tfc.matmul` becomes its
      `transpose_lhs` / `transpose_rhs` flag (the transpose stays only if
      something else reads it).
    - `TransposeOfUnitDimsToReshape`: a transpose that only moves dims of
      size 1 is a `tfc.reshape` (a view, no kernel).
    - `CancelReshapeTransposeChain`: a chain of reshapes and transposes
      whose composition keeps every element at its row-major position
      (checked exactly, for tensors up to 2^22 elements) becomes one
      reshape, which folds away when the types match.
    - `PretransposeMatmulWeight`: a matmul reading an inline rank-2 weight
      transposed, when it is the weight's only reader, gets the weight
      transposed at compile time and the flag cleared (consecutive threads
      then read consecutive columns). A weight with other readers (a tied
      embedding) is left alone: copying it would double its bytes.
    - `HoistNarrowingCast`: `cast(reshape(x))` becomes `reshape(cast(x))`,
      and `cast(transpose(x))` becomes `transpose(cast(x))`, when the cast
      narrows (fewer bits per element, e.g. f32 -> bf16) and is the shape
      op's only reader: the shape op moves fewer bytes and the cast joins
      x's producer kernel. Widening casts stay (they join their consumer).
      `tfc-lower-precision` applies it to the casts it inserts.
    - `HoistUnaryElementwise`: a unary elementwise op (gelu, silu, tanh,
      exp, ...) that is the only reader of a reshape or transpose moves in
      front of it, so it joins its producer's epilogue (GPT-2's dynamo
      export reshapes `addmm` to [B, S, 4H] before the GELU); the reshape
      then usually cancels with the one back to 2-D before the next matmul.
    - `PackSharedInputProjections` (with `pack`): matmuls that read the
      same activation with inline rank-2 `[K, N_i]` weights (after the
      step above) of one element type and K, the same `transpose_lhs` and
      accumulator, each weight read only by its matmul (Q/K/V, gate/up),
      become one matmul on the weights
      concatenated along N at compile time, followed by a `tfc.split` of
      its result along the last axis. When every member's only user adds
      an inline rank-1 bias (BERT, GPT-2 style), the biases are
      concatenated too and the split follows one packed add (the fusion
      pass then puts that add in the matmul's epilogue). The packed
      parameter is named after its parts joined by `+`. The activation is
      read once, and one larger matmul fills the GPU better. Projections
      whose results are read by one elementwise op (gate and up meeting in
      `tfc.swiglu`) are packed only with `pack-gated`: no matmul kernel
      applies the gate to the packed result yet, so the split halves would
      be written and read once more by a pointwise kernel, where unpacked
      the up projection's epilogue reads the gate (Llama tiny in bf16:
      predicted 574592 HBM bytes with gate/up packed, 554112 without). External
      weights (no data in the IR) are never packed: they are bound by name
      when the artifact is loaded, and the artifact has no record for a
      packed copy.

    ```mlir
    %q = tfc.matmul %x, %wq : (tensor<1x32x64xf32>, tensor<64x64xf32>) -> tensor<1x32x64xf32>
    %k = tfc.matmul %x, %wk : (tensor<1x32x64xf32>, tensor<64x32xf32>) -> tensor<1x32x32xf32>
    %t = tfc.transpose %w {permutation = array<i64: 1, 0>} : (tensor<512x64xf32>) -> tensor<64x512xf32>
    %l = tfc.matmul %h, %t : (tensor<1x32x64xf32>, tensor<64x512xf32>) -> tensor<1x32x512xf32>
    // becomes
    %wqk = tfc.parameter "wq+wk" = dense_resource<wq_wk> : tensor<64x96xf32> : tensor<64x96xf32>
    %p = tfc.matmul %x, %wqk : (tensor<1x32x64xf32>, tensor<64x96xf32>) -> tensor<1x32x96xf32>
    %q, %k = tfc.split %p {axis = 2 : i64, sizes = array<i64: 64, 32>} : ...
    %l = tfc.matmul %h, %w {transpose_rhs = true} : (tensor<1x32x64xf32>, tensor<512x64xf32>) -> tensor<1x32x512xf32>
    ```

    Every rewrite keeps the numbers exactly (the same products and sums).
    Attention operands keep their transposes: `tfc.attention` has no layout
    attribute its kernels read yet.
  }];
  let options = [
    Option<"pack", "pack", "bool", /*default=*/"true",
           "Pack matmuls that share their activation and have inline "
           "weights into one matmul and a split">,
    Option<"packGated", "pack-gated", "bool", /*default=*/"false",
           "Also pack projections whose results are read by one "
           "elementwise op (gate/up feeding tfc.swiglu)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function counting each rewrite">,
  ];
  let statistics = [
    Statistic<"numTransposesFolded", "transposes-folded",
              "Transposes folded into matmul flags">,
    Statistic<"numTransposesToReshape", "transposes-to-reshape",
              "Transposes of unit dims turned into reshapes">,
    Statistic<"numChainsCancelled", "chains-cancelled",
              "Reshape/transpose chains replaced by one reshape">,
    Statistic<"numWeightsPretransposed", "weights-pretransposed",
              "Inline weights transposed at compile time">,
    Statistic<"numMatmulsPacked", "matmuls-packed",
              "Matmuls merged into packed matmuls">,
    Statistic<"numBiasesPacked", "biases-packed",
              "Bias adds merged into packed matmuls' adds">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def LowerPrecision : Pass<"tfc-lower-precision", "::mlir::func::FuncOp"> {
  let summary = "Run an f32 model in bf16 or f16, keeping the sensitive "
                "parts in f32";
  let description = [{
    Halves the bytes every kernel moves. Every f32 tensor of the function
    becomes `dtype` except what is listed below; nothing else changes
    (shapes, ops, non-f32 tensors).

    Converted:
    - weights: `tfc.constant`s and `tfc.parameter`s with inline data read
      by a lowered op are converted at compile time (round to nearest
      even; dense_resource blobs are rewritten, so the artifact stores the
      low type). An external parameter (no data in the IR) keeps its type
      and is read through a `tfc.cast`. f16 has no values beyond 65504:
      larger weights become +-inf (finfo.min masks become -inf, which still
      masks).
    - activations: every other op computes in `dtype`; an f32 value read by
      an op of the other type goes through one shared `tfc.cast`.

    What stays f32:
    - the function's signature: f32 arguments are cast to `dtype` where
      lowered ops read them, f32 results are cast back before `return`;
    - matmul accumulation: every lowered `tfc.matmul` gets
      `accumulator_type = f32`;
    - norm statistics and softmax max/sum: `tfc.layer_norm`,
      `tfc.rms_norm`, `tfc.softmax` and `tfc.attention` take and return
      `dtype`, and their kernels (like the reference executor) compute the
      mean, variance, running max and sum, and the attention scores in f32
      (16-bit floats are widened to the f32 compute type before any
      arithmetic); a norm whose input is kept in f32 (the residual stream
      below) runs entirely in f32 and its output is cast;
    - reductions that sum: `tfc.reduce` sum, mean and prod run in f32 on a
      widened input (max and min are exact in `dtype`);
    - comparisons and casts to or from non-float types (positions, masks);
    - tensor-parallel partial sums (with `all-reduce-dtype=f32`, the
      default): a matmul whose result only feeds `tfc.all_reduce` takes
      `dtype` operands but returns its f32 accumulator, the all-reduce sums
      f32, and its readers get the sum through one `tfc.cast`;
    - with `keep-residual-f32`: the residual stream, i.e. every `tfc.add`
      whose one operand (the skip) reaches the other through a matmul or
      attention, its result, and the skip operand, so the stream is summed
      in f32 across layers; ops that read only f32-kept values (besides
      weights), other than matmul and attention, stay f32 too. A cast to
      `dtype` that reads a reshape or transpose (a norm's f32 output
      flattened for its matmul) then moves in front of it
      (`HoistNarrowingCast`), so it joins the norm's kernel instead of
      being one of its own.

    ```mlir
    func.func @main(%x: tensor<32x128xf32>) -> tensor<32x512xf32> {
      %w = tfc.parameter "fc" = dense_resource<fc> : tensor<128x512xf32> : tensor<128x512xf32>
      %0 = tfc.matmul %x, %w : (tensor<32x128xf32>, tensor<128x512xf32>) -> tensor<32x512xf32>
      %1 = tfc.gelu %0 approximate = tanh : tensor<32x512xf32>
      return %1 : tensor<32x512xf32>
    }
    // becomes, with dtype=bf16
    func.func @main(%x: tensor<32x128xf32>) -> tensor<32x512xf32> {
      %xb = tfc.cast %x : tensor<32x128xf32> to tensor<32x128xbf16>
      %w = tfc.parameter "fc" = dense_resource<fc_bf16> : tensor<128x512xbf16> : tensor<128x512xbf16>
      %0 = tfc.matmul %xb, %w {accumulator_type = f32} : (tensor<32x128xbf16>, tensor<128x512xbf16>) -> tensor<32x512xbf16>
      %1 = tfc.gelu %0 approximate = tanh : tensor<32x512xbf16>
      %2 = tfc.cast %1 : tensor<32x512xbf16> to tensor<32x512xf32>
      return %2 : tensor<32x512xf32>
    }
    ```

    Expected accuracy: on the GPT-2 test models the logits stay within
    1e-2 of the f32 reference (relative to the largest logit) in bf16.

    fp8 (`fp8=per-tensor|per-channel`, with `dtype=bf16|f16`): on top of
    the above, every lowered `tfc.matmul` whose weight (rhs) is an inline
    rank-2 f32 tensor, and whose lhs is not read transposed, becomes

    ```mlir
    %q, %s = tfc.dynamic_quantize %x : tensor<32x128xbf16> -> tensor<32x128xf8E4M3FN>, tensor<f32>
    %y = tfc.scaled_matmul %q, %w8 scales(%s, %ws) : (tensor<32x128xf8E4M3FN>,
        tensor<128x512xf8E4M3FN>, tensor<f32>, tensor<512xf32>) -> tensor<32x512xbf16>
    ```

    What is fp8: the two matmul operands only. The weight is quantized at
    compile time from its f32 values, stored `[K, N]` (a weight read
    transposed is stored transposed back), with scale `amax / 448` over
    the whole weight (`per-tensor`, a `tensor<f32>`) or over each output
    column (`per-channel`, a `tensor<Nxf32>`), rounded to f32; a zero
    amax gives scale 1. The activation is quantized at run time by
    `tfc.dynamic_quantize` with one scale per tensor, `amax / 448`. What
    stays wider: the products are summed in f32 and multiplied by both
    scales in f32; the result is in `dtype`; everything else is lowered
    exactly as without fp8 (attention, norms, softmax and activation x
    activation matmuls never see fp8). Not quantized: matmuls whose
    weight is external (no data in the IR to compute a scale from), has
    batch dims, or holds inf/NaN, and matmuls with `transpose_lhs`; they
    stay in `dtype`. `dtype=f32` with fp8 is an error.

    fp8 accuracy: on the GPT-2 and Llama test models the logits stay
    within 0.1 of the f32 reference relative to the largest logit
    (measured in `test/Passes/tfc-lower-precision/fp8-models.test`). The
    GPU kernels do not implement `tfc.scaled_matmul` or
    `tfc.dynamic_quantize` yet: `tfc-compile` on such IR stops with "has
    no GPU kernel yet", and it has no fp8 precision option.
  }];
  let options = [
    Option<"dtype", "dtype", "std::string", /*default=*/"\"bf16\"",
           "The low type: bf16 or f16 (f32: leave the function as is)">,
    Option<"keepResidualF32", "keep-residual-f32", "bool",
           /*default=*/"false",
           "Keep the residual stream (skip connections and their adds) in "
           "f32">,
    Option<"fp8", "fp8", "std::string", /*default=*/"\"none\"",
           "Matmuls with inline weights take f8E4M3FN operands: none, "
           "per-tensor or per-channel weight scales (needs dtype=bf16|f16)">,
    Option<"allReduceDtype", "all-reduce-dtype", "std::string",
           /*default=*/"\"f32\"",
           "Type tensor-parallel partials are summed in: f32 (a matmul "
           "feeding only tfc.all_reduce returns its f32 accumulator) or low "
           "(dtype, half the bytes)">,
  ];
  let statistics = [
    Statistic<"numWeightsConverted", "weights-converted",
              "Constants and parameters converted at compile time">,
    Statistic<"numCastsInserted", "casts-inserted",
              "tfc.cast ops inserted between f32 and the low type">,
    Statistic<"numOpsLowered", "ops-lowered",
              "Ops that now compute in the low type">,
    Statistic<"numMatmulsFp8", "matmuls-fp8",
              "Matmuls that now take f8E4M3FN operands">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def FoldWeightCasts : Pass<"tfc-fold-weight-casts", "::mlir::func::FuncOp"> {
  let summary = "Convert weights read through a tfc.cast once, instead of "
                "casting them on every run";
  let description = [{
    `tfc-lower-precision` reads each external f32 parameter (no data in the
    IR) through a `tfc.cast`; left alone, the cast becomes a kernel that
    converts the weight on every run, or lands in a matmul's fusion as an
    operand computed inside the kernel (which keeps the matmul off the
    tensor-core path). This pass replaces every float-to-float cast (f32,
    f16, bf16) of a weight by a weight of the cast's type:

    - an external `tfc.parameter` becomes an external parameter of the new
      type with the same name, its other attributes (e.g.
      `tfc.external_data`) kept, and `tfc.stored_element_type` set to the
      element type the weights file stores. The artifact records it and the
      runtime converts the weight once, when it is uploaded (round to
      nearest even); a weights file that already holds the new type binds
      directly;
    - a `tfc.parameter` with inline data and a `tfc.constant` are converted
      now (round to nearest even).

    Casts of one weight to the same type share one new weight; the old one
    is erased when nothing else reads it. Casts to or from integer types,
    and casts of computed values, stay. Runs after `tfc-lower-precision`
    and before `tfc-fuse` (`tfc-compile` does so when `precision` is not
    f32).

    ```mlir
    %w = tfc.parameter "fc.weight" {tfc.external_data = {location = "m.onnx.data", offset = 0 : i64}} : tensor<768x768xf32>
    %wb = tfc.cast %w : tensor<768x768xf32> to tensor<768x768xbf16>
    %y = tfc.matmul %x, %wb {accumulator_type = f32} : (tensor<8x768xbf16>, tensor<768x768xbf16>) -> tensor<8x768xbf16>
    // becomes
    %wb = tfc.parameter "fc.weight" {tfc.external_data = {location = "m.onnx.data", offset = 0 : i64}, tfc.stored_element_type = f32} : tensor<768x768xbf16>
    %y = tfc.matmul %x, %wb {accumulator_type = f32} : (tensor<8x768xbf16>, tensor<768x768xbf16>) -> tensor<8x768xbf16>
    ```
  }];
  let statistics = [
    Statistic<"numExternalFolded", "external-folded",
              "External parameters now converted at load time">,
    Statistic<"numInlineFolded", "inline-folded",
              "Inline parameters and constants converted at compile time">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def Fuse : Pass<"tfc-fuse", "::mlir::func::FuncOp"> {
  let summary = "Group ops into tfc.fusion kernels, decided by HBM bytes saved";
  let description = [{
    Merges producer and consumer ops into `tfc.fusion` groups, each one
    future kernel, so that intermediate values never travel through HBM.
    Every op starts as its own group; the pass repeatedly applies the merge
    of a producer group into a consumer group that saves the most bytes
    under the cost model (`CostModel.h`: each input read once, each output
    written once, roofline time from the module's `#tfc.target`), until no
    merge pays. A merge is made only when
    - a kernel family can emit the merged body: only pointwise ops
      (elementwise, casts, where/compare, broadcasts and index mapping:
      expand, transpose, slice, split, concat, gather, rope), or one anchor
      (matmul, softmax, layer_norm, rms_norm, reduce, attention) with
      pointwise ops computing its operands (a prologue) and elementwise ops
      of its result shape applied to its result (an epilogue: bias,
      activation, residual add, cast; `epilogues=false` turns them off),
      whose result or epilogue values are the only outputs; an attention's
      epilogue may end in a transpose that keeps the last dimension last
      (the heads merge), done by storing through a permuted view;
    - the anchor keeps its fast family on the target: the tensor-core
      matmul (16-bit, sm_80+) loads lhs and rhs, and the flash attention
      loads query, key and value, straight from memory, so no prologue
      computes those operands there (a cast, or a rope on the key, stays a
      kernel of its own or joins its producer's epilogue). The flash
      attention reads a strided view in place: ops that only rename
      elements of a kernel input (split, slice, splitting reshape,
      transpose keeping rows contiguous: the heads split of a packed QKV
      projection) join its kernel and cost no work; a rope of such a view
      on the query joins it too (computed into the query tile once per
      block). Other operands, such as an attention mask,
      and other families take prologues
      (`tfc/Analysis/KernelFamilyRules.h`, the codegen's own test);
    - it moves fewer bytes and its predicted time is not worse (ops in front
      of an anchor are recomputed as often as the anchor reads the operand,
      e.g. K times per output element in front of a matmul);
    - no other kernel would both consume and feed the merged kernel.
    A value other kernels still need stays an output of the fused kernel
    (the pointwise family writes several results), never recomputed: that
    is `tfc-rematerialize`'s decision. Reshapes are views: looked through,
    cloned into the bodies that need them. Splat constants are cloned into
    bodies. Groups of one op are left for `tfc-wrap-in-fusions`.

    ```mlir
    %1 = tfc.add %bias, %x : (tensor<128xf32>, tensor<32x128xf32>) -> tensor<32x128xf32>
    %2 = tfc.tanh %1 : tensor<32x128xf32>
    %3 = tfc.layer_norm %2, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : ...
    // becomes
    %3 = tfc.fusion "layer_norm" (%bias, %x, %g, %b) : (...) -> tensor<32x128xf32> {
    ^bb0(%a: tensor<128xf32>, %c: tensor<32x128xf32>, %d: tensor<128xf32>, %e: tensor<128xf32>):
      %4 = tfc.add %a, %c : ...
      %5 = tfc.tanh %4 : tensor<32x128xf32>
      %6 = tfc.layer_norm %5, %d, %e {axis = 1 : i64, epsilon = 1.0e-05 : f32} : ...
      tfc.yield %6 : tensor<32x128xf32>
    }
    ```

    With `report`, stderr gets one line per fusion formed (its ops, bytes
    and predicted time apart and fused), one per producer -> consumer edge
    left between kernels with the reason, and a total per function.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print each fusion formed (ops, bytes saved, predicted time), "
           "each edge kept apart and why, and the totals, to stderr">,
    Option<"epilogues", "epilogues", "bool", /*default=*/"true",
           "Fuse elementwise ops of an anchor's result shape after the "
           "anchor (false: anchored kernels return the anchor's result "
           "only)">,
  ];
  let statistics = [
    Statistic<"numFusions", "fusions", "Fusions formed">,
    Statistic<"numOpsFused", "ops-fused", "Ops placed in multi-op fusions">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def Rematerialize : Pass<"tfc-rematerialize", "::mlir::func::FuncOp"> {
  let summary = "Recompute cheap pointwise kernels inside their consumers "
                "when that moves fewer bytes";
  let description = [{
    A pointwise kernel (a `tfc.fusion` of elementwise, broadcast and
    index-mapping ops, or one such op) whose results feed several kernels
    is written to HBM once and read back by each. This pass clones it into
    each consumer instead (as a prologue of an anchored kernel, or into a
    pointwise kernel), when the cost model (`CostModel.h`, the module's
    `#tfc.target`) predicts that the consumers with the copy run faster than
    the producer plus the consumers as they are: bytes saved (the write and
    the reads of the shared value) outweigh the inputs each copy reads and
    the FLOPs it adds. A consumer no kernel family could emit with the copy
    keeps reading the value; so does a tensor-core matmul or flash attention
    that would read the copy as lhs/rhs or q/k/v, which those families load
    only from memory (`tfc/Analysis/KernelFamilyRules.h`). When some consumer keeps it (or the function
    returns it), the producer stays, and a consumer takes a copy only when
    that alone makes it faster (e.g. a broadcast of a small operand). Runs
    after `tfc-fuse`; every decision is printed with `report`.

    ```mlir
    %e = tfc.fusion "pointwise" (%ids, %wte, %wpe) ... { gather, add }
    %l = tfc.fusion "layer_norm" (%e, %g, %b) ... { layer_norm }
    %r = tfc.fusion "pointwise" (%e, %y) ... { add }
    // becomes (the embedding is recomputed in both consumers)
    %l = tfc.fusion "layer_norm" (%ids, %wte, %wpe, %g, %b) ... { gather, add, layer_norm }
    %r = tfc.fusion "pointwise" (%ids, %wte, %wpe, %y) ... { gather, add, add }
    ```
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print every decision (recomputed or kept, bytes, FLOPs added, "
           "predicted time) to stderr">,
    Option<"epilogues", "epilogues", "bool", /*default=*/"true",
           "Anchored kernels may carry an elementwise epilogue (as for "
           "tfc-fuse)">,
  ];
  let statistics = [
    Statistic<"numRecomputed", "recomputed",
              "Kernels recomputed in their consumers">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def ShardTensorParallel
    : Pass<"tfc-shard-tensor-parallel", "::mlir::ModuleOp"> {
  let summary = "Shard a raised transformer graph for one rank of a "
                "tensor-parallel group (Megatron layout)";
  let description = [{
    Rewrites the entry function into the program of rank `rank` of `ranks`
    (run it on the raised graph, after `tfc-raise`):

    - Q/K/V projections are split by columns, i.e. by attention heads: rank
      `r` keeps query heads `[r*Hq/N, (r+1)*Hq/N)`. Key/value heads are
      split the same way when `Hkv` is divisible by `N`; when `N` is a
      multiple of `Hkv` (GQA/MQA with few KV heads) every rank keeps the
      one KV head its query heads read (KV projections replicated across
      the ranks that share a head). The reshapes, transposes, `tfc.rope`
      and `tfc.attention` between them work on the local heads.
    - MLP up/gate projections (a matmul by a weight whose result reaches
      the down projection through elementwise ops only) are split by
      columns, the down projection by rows.
    - The attention output projection and the MLP down projection are split
      by rows and followed by `tfc.all_reduce` (sum of the partials); a bias
      of a row-split projection is added after the all-reduce.
    - With `reduce-dtype=f32` (the default), a row-split projection of
      bf16/f16 operands writes its f32 accumulator, the all-reduce sums f32
      partials and a `tfc.cast` rounds the sum to the 16-bit type, so each
      sublayer output is rounded once, as on one GPU (`reduce-dtype=low`
      rounds each partial and sums in 16 bits: half the bytes on the link,
      two more roundings per sublayer). f32 projections are unaffected.
    - Norms, RoPE tables, residual adds, embeddings and the LM head stay
      replicated.

    Weights with an inline value are sliced now; an external weight keeps
    its name, gets the shard's shape and a `tfc.shard = array<i64: axis,
    offset, size>` attribute saying which slice of the full tensor it binds
    (the weights file of rank `r` holds that slice under the same name).
    The module gets `tfc.tensor_parallel = {rank = r, ranks = N}`.

    The pass refuses, with an error at the op, what it cannot shard
    exactly: a head count not divisible by `N`, key/value heads that can be
    neither split nor replicated, an MLP width not divisible by `N`, ALiBi,
    a mask with a per-head dimension, and any other op that would read a
    split value.

    ```mlir
    %q = tfc.matmul %x, %wq : (tensor<1x32x64xf32>, tensor<64x64xf32>) -> tensor<1x32x64xf32>
    ...
    %o = tfc.matmul %a, %wo : (tensor<1x32x64xf32>, tensor<64x64xf32>) -> tensor<1x32x64xf32>
    // becomes, for ranks=2 rank=1
    %q = tfc.matmul %x, %wq1 : (tensor<1x32x64xf32>, tensor<64x32xf32>) -> tensor<1x32x32xf32>
    ...
    %p = tfc.matmul %a, %wo1 : (tensor<1x32x32xf32>, tensor<32x64xf32>) -> tensor<1x32x64xf32>
    %o = tfc.all_reduce %p {ranks = 2 : i64} : tensor<1x32x64xf32>
    ```

    `ranks=1` leaves the graph unchanged. The CPU reference executor runs
    all ranks of a group (`tfc-reference rank0.mlir rank1.mlir ...`), and
    `tfc-compile` takes `tensor-parallel=N rank=R`.
  }];
  let options = [
    Option<"ranks", "ranks", "int64_t", /*default=*/"1",
           "Number of ranks (GPUs) of the tensor-parallel group">,
    Option<"rank", "rank", "int64_t", /*default=*/"0",
           "The rank whose program this pass produces, in [0, ranks)">,
    Option<"reduceDtype", "reduce-dtype", "std::string", /*default=*/"\"f32\"",
           "Type the partials of 16-bit row-split projections are summed "
           "in: f32 (the matmul writes its f32 accumulator, a cast rounds "
           "the sum) or low (the projection's own 16-bit type)">,
  ];
  let statistics = [
    Statistic<"numColumnSplit", "column-split", "Projections split by columns">,
    Statistic<"numRowSplit", "row-split", "Projections split by rows (each followed by an all-reduce)">,
    Statistic<"numReducedF32", "reduced-f32", "All-reduces of 16-bit projections that sum f32 partials">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def OnlineSoftmax : Pass<"tfc-online-softmax", "::mlir::func::FuncOp"> {
  let summary = "Put softmax in the single-pass online form and attention in "
                "the flash form";
  let description = [{
    Marks every `tfc.softmax` with `tfc.online` and every `tfc.attention`
    with `tfc.flash` (`include/tfc/Dialect/KernelForms.h`). The ops keep
    their semantics (the result is the same up to rounding); the attributes
    fix the algorithm that the kernels and the reference executor run:

    - `tfc.online` softmax: one sweep over the row keeps a running maximum
      `m` and a sum `s` of `exp(x - m)`, rescaled by `exp(m_old - m_new)`
      whenever a tile of the row raises the maximum; partial `(m, s)` pairs
      of threads merge the same way. The output is `exp(x - m) / s`. Every
      exponent is taken against a maximum, so inputs of magnitude 1e4, where
      `exp(x) / sum(exp(x))` overflows, stay finite. The streamed row kernel
      reads the row twice instead of three times, rows held in registers
      reduce one (max, sum) pair instead of a max and then a sum, and the
      reference executor runs it tile by tile (32 elements).
    - `tfc.flash` attention: per (batch, key/value head, tile of blockQ
      query rows) the keys and values stream through in tiles of blockKV;
      each tile's scores update a running max, sum and output accumulator
      per query row, and the `[Sq, Skv]` score matrix is never
      materialised. `causal` and `window` masks become tile skipping (only
      the key tiles some query row of the block sees are visited) plus
      masking inside the edge tiles; the `Hq / Hkv` query heads of a GQA
      group use each K/V tile (the reference executor loads it once for the
      group; the GPU kernel's blocks of the group's heads read the same
      tiles, from L2 after the first). blockQ x blockKV come from the op's
      `tfc.tile` (`tfc-tile` writes it from the target); without one the
      reference executor uses 16 x 16 tiles.

    The GPU attention kernels are always of this form (FlashAttention.cpp on
    tensor cores, one query row per thread otherwise), so `tfc.flash` only
    makes that explicit; an unmarked softmax runs the two-pass form.

    ```mlir
    %p = tfc.softmax %x {axis = 1 : i64} : tensor<4x1024xf32>
    %o = tfc.attention %q, %k, %v {causal = true, scale = 0.125 : f32} : ...
    // becomes
    %p = tfc.softmax %x {axis = 1 : i64, tfc.online} : tensor<4x1024xf32>
    %o = tfc.attention %q, %k, %v {causal = true, scale = 0.125 : f32, tfc.flash} : ...
    ```

    A `tfc.online` or `tfc.flash` already on an op of another kind is an
    error. With `report`, stderr gets one line per function: softmaxes made
    online, attentions made flash and how many skip key tiles (causal,
    window) or share them across a GQA group.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print per function what was rewritten to stderr">,
  ];
  let statistics = [
    Statistic<"numOnlineSoftmax", "online-softmax",
              "Softmaxes put in the online form">,
    Statistic<"numFlashAttention", "flash-attention",
              "Attentions put in the flash form">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def Tile : Pass<"tfc-tile", "::mlir::func::FuncOp"> {
  let summary = "Choose each kernel's tiles from the #tfc.target and record "
                "them as tfc.tile";
  let description = [{
    For the anchor op of every `tfc.fusion` (run it after `tfc-fuse`,
    `tfc-rematerialize` and `tfc-wrap-in-fusions`) whose kernel family takes
    tiles, writes the tiles the codegen then uses, chosen from the module's
    `#tfc.target` (shared memory per block and per SM, SM count, arch) by
    the choosers of `lib/Conversion/FusionKernels/KernelConfig.cpp`:

    - `tfc.matmul` on tensor cores (16-bit operands, sm_80+):
      `[blockM, blockN, blockK, warpsM, warpsN, stages]`, the largest block
      tile that still gives every SM a block, stages within the shared
      memory per block (mma.sync family);
    - `tfc.matmul` on sm_90a (lhs not transposed, `wgmma=auto`): the wgmma +
      TMA family's `[blockM, blockN, stages, persistent, splitK]`: blockN
      from 256 / 192 / 128 to fill the last wave of blocks; when the output
      tiles would keep fewer than half the SMs busy (small M, e.g. GPT-2 at
      16 tokens), K is split over `splitK` blocks of a thread-block cluster
      (at most 8, at least 4 K tiles of 64 each, 64-wide tiles) whose
      partial sums meet in f32 before the epilogue (e.g. 16 x 768 x 2304:
      `[64, 64, 4, 0, 3]`;
      8192 x 768 x 2304 keeps `splitK` 1). Pinned values are checked: blockM
      64..256 and blockN 64..256 in steps of 64, splitK 1..8, at most the
      number of K tiles and only with persistent 0, shared memory;
    - `tfc.attention` in the flash form on tensor cores (16-bit, head dims
      multiples of 16, sm_80+): `[blockQ, blockKV, warps, stages]`; blockQ
      from the head dim (32 query rows per warp above 64, else 16), blockKV
      the largest of 64 / 32 / 16 whose Q tile and double-buffered K/V
      tiles let two blocks share an SM's shared memory (e.g. D = 128:
      128 x 64 on sm_90a, 128 x 32 on sm_80). A pinned tile may add a
      fifth value, `heads`: the query heads of one GQA group a block owns
      (its warps split among them, each K/V tile shared; blockQ rows per
      head, blockQ * heads = 16 or 32 rows per warp; default 1). Pinned
      tiles must split into whole 16-byte copies per thread;
    - `tfc.softmax` (last axis), `tfc.layer_norm`, `tfc.rms_norm`:
      `[threadsPerRow, rowsPerBlock]`, rows held in registers (at most 32
      values per thread) or streamed by one block per row.

    Changing `#tfc.target` changes the tiles. A `tfc.tile` already on an op
    (pinned by hand) is kept and checked against the target and the family's
    rules; a violation is an error naming it, e.g. "flash attention tile
    needs 245760 bytes of shared memory; the target allows 232448 per
    block". Other ops (f32 matmuls and attention, pointwise kernels,
    reductions) take no tiles and get none.

    ```mlir
    %0 = tfc.fusion "attention" (%q, %k, %v) ... {
      %1 = tfc.attention %a, %b, %c {causal = true, scale = 0.0883883461 : f32}
          : (tensor<1x32x512x128xbf16>, tensor<1x8x512x128xbf16>, tensor<1x8x512x128xbf16>) -> tensor<1x32x512x128xbf16>
      ...
    // becomes, on sm_90a
      %1 = tfc.attention %a, %b, %c {causal = true, scale = 0.0883883461 : f32,
          tfc.tile = array<i64: 128, 64, 4, 2>} : ...
    ```

    With `report`, stderr gets the kernel table of the function: one line
    per kernel (fusion) with its anchor (or first named op), predicted HBM
    bytes, FLOPs and roofline time (`CostModel.h`) and its tiles (`none`
    where the family takes none), then the totals and the bytes of the
    intermediates the memory plan will place.

    ```
    tfc-tile: kernel 1 "matmul" (matmul "/blocks.0/qkv/MatMul"): 263680 bytes, 3.158 MFLOP, 0.079 us, tile [64, 128, 2, 0, 1]
    tfc-tile: @main on sm_90a: 20 kernels, predicted HBM bytes 3111424, time 0.929 us, intermediates 540672 bytes
    ```
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print every kernel's predicted bytes, FLOPs, time and tiles, "
           "and the totals, to stderr">,
    Option<"wgmma", "wgmma", "std::string", /*default=*/"\"auto\"",
           "auto: on sm_90a, 16-bit matmuls get the wgmma + TMA family's "
           "tiles (tfc-lower-fusions-to-kernels wgmma=auto); off: the "
           "mma.sync family's (as with tfc-lower-fusions-to-kernels "
           "wgmma=off)">,
  ];
  let statistics = [
    Statistic<"numTiled", "kernels-tiled", "Kernels given tiles">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

#endif // TFC_PASSES_TD
