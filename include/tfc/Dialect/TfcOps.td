//===- TfcOps.td - tfc dialect operations ------------------*- tablegen -*-===//
//
// Operations of the tfc dialect. Every op works on ranked tensors with static
// shapes, infers its result type (so importers and passes never compute shapes
// by hand) and verifies its operands and attributes with precise messages.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_OPS_TD
#define TFC_OPS_TD

include "tfc/Dialect/TfcBase.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Tfc_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger, I1]>;
def Tfc_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Tfc_BoolTensor : RankedTensorOf<[I1]>;
def Tfc_IndexTensor : RankedTensorOf<[I32, I64]>;

//===----------------------------------------------------------------------===//
// Weights and constants
//===----------------------------------------------------------------------===//

def Tfc_ConstantOp : Tfc_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "A small constant tensor";
  let description = [{
    A constant tensor: shape operands, masks, scalars. Model weights are
    `tfc.parameter` ops instead, so that they can stay out of the IR text.

    ```mlir
    %0 = tfc.constant dense<1.0> : tensor<4xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Tfc_ParameterOp : Tfc_Op<"parameter", [Pure]> {
  let summary = "A model weight, inline as a blob or external by name";
  let description = [{
    A named model weight. With `value`, the data is held by the op, normally
    as a `dense_resource` blob so that large weights are never printed inline.
    Without `value`, the weight is external: `name` is the tensor name in the
    model's parameter file (ONNX external data or safetensors), bound when the
    compiled artifact is loaded.

    The value attribute carries its own type, so an inline weight shows the
    type twice (the attribute's, then the result's):

    ```mlir
    %w = tfc.parameter "h.0.attn.c_attn.weight" = dense_resource<blob0>
        : tensor<128x384xf32> : tensor<128x384xf32>
    %e = tfc.parameter "wte.weight" : tensor<50257x768xf16>
    ```
  }];
  let arguments = (ins StrAttr:$name, OptionalAttr<ElementsAttr>:$value);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$name (`=` $value^)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise ops (ONNX / numpy broadcasting)
//===----------------------------------------------------------------------===//

class Tfc_BinaryOp<string mnemonic, string doc, list<Trait> traits = []>
    : Tfc_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])> {
  let summary = "Elementwise " # doc # " with broadcasting";
  let description = [{
    Elementwise `}] # doc # [{` of two tensors of the same element type,
    broadcast with ONNX/numpy rules: shapes are aligned from the right and a
    dimension of 1 stretches to the other operand's size.

    ```mlir
    %0 = tfc.}] # mnemonic # [{ %a, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$lhs, Tfc_Tensor:$rhs);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Tfc_AddOp : Tfc_BinaryOp<"add", "addition", [Commutative]>;
def Tfc_SubOp : Tfc_BinaryOp<"sub", "subtraction">;
def Tfc_MulOp : Tfc_BinaryOp<"mul", "multiplication", [Commutative]>;
def Tfc_DivOp : Tfc_BinaryOp<"div", "division">;
def Tfc_PowOp : Tfc_BinaryOp<"pow", "power">;
def Tfc_MaximumOp : Tfc_BinaryOp<"maximum", "maximum", [Commutative]>;
def Tfc_MinimumOp : Tfc_BinaryOp<"minimum", "minimum", [Commutative]>;
def Tfc_AndOp : Tfc_BinaryOp<"and", "logical and of i1", [Commutative]>;
def Tfc_OrOp : Tfc_BinaryOp<"or", "logical or of i1", [Commutative]>;

def Tfc_CompareOp : Tfc_Op<"compare", [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise comparison with broadcasting, giving i1";
  let description = [{
    Compares two tensors of the same element type elementwise (broadcast as
    for `tfc.add`) and returns an `i1` tensor.

    ```mlir
    %0 = tfc.compare lt, %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Tfc_ComparePredicate:$predicate, Tfc_Tensor:$lhs,
                       Tfc_Tensor:$rhs);
  let results = (outs Tfc_BoolTensor:$result);
  let assemblyFormat = "$predicate `,` $lhs `,` $rhs attr-dict `:` "
                       "functional-type(operands, results)";
}

def Tfc_WhereOp : Tfc_Op<"where", [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise select with broadcasting";
  let description = [{
    `result = condition ? on_true : on_false`, elementwise, with the three
    operands broadcast together.

    ```mlir
    %0 = tfc.where %m, %a, %b : (tensor<4x4xi1>, tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins Tfc_BoolTensor:$condition, Tfc_Tensor:$on_true,
                       Tfc_Tensor:$on_false);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$condition `,` $on_true `,` $on_false attr-dict `:` "
                       "functional-type(operands, results)";
}

class Tfc_UnaryOp<string mnemonic, string doc, Type type = Tfc_FloatTensor,
                  list<Trait> traits = []>
    : Tfc_Op<mnemonic, !listconcat(traits,
          [Pure, SameOperandsAndResultType])> {
  let summary = "Elementwise " # doc;
  let description = [{
    Elementwise `}] # doc # [{`; the result has the operand's type.

    ```mlir
    %0 = tfc.}] # mnemonic # [{ %x : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins type:$input);
  let results = (outs type:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tfc_NegOp : Tfc_UnaryOp<"neg", "negation", Tfc_Tensor>;
def Tfc_AbsOp : Tfc_UnaryOp<"abs", "absolute value", Tfc_Tensor>;
def Tfc_ExpOp : Tfc_UnaryOp<"exp", "exponential">;
def Tfc_LogOp : Tfc_UnaryOp<"log", "natural logarithm">;
def Tfc_SqrtOp : Tfc_UnaryOp<"sqrt", "square root">;
def Tfc_RsqrtOp : Tfc_UnaryOp<"rsqrt", "reciprocal square root">;
def Tfc_ReciprocalOp : Tfc_UnaryOp<"reciprocal", "reciprocal (1/x)">;
def Tfc_TanhOp : Tfc_UnaryOp<"tanh", "hyperbolic tangent">;
def Tfc_ErfOp : Tfc_UnaryOp<"erf", "error function">;
def Tfc_SigmoidOp : Tfc_UnaryOp<"sigmoid", "logistic sigmoid 1/(1+exp(-x))">;
def Tfc_ReluOp : Tfc_UnaryOp<"relu", "rectified linear unit max(x, 0)">;
def Tfc_SiluOp : Tfc_UnaryOp<"silu", "SiLU / swish x*sigmoid(x)">;
def Tfc_NotOp : Tfc_UnaryOp<"not", "logical not of i1", Tfc_BoolTensor>;

def Tfc_SwigluOp : Tfc_Op<"swiglu", [Pure, SameOperandsAndResultType]> {
  let summary = "SwiGLU gating: silu(gate) * up, elementwise";
  let description = [{
    The gated activation of Llama/Mistral MLPs: `gate * sigmoid(gate) * up`,
    elementwise, on two tensors of the same type (no broadcasting). The
    pointwise kernel computes it in registers, so the SiLU result is never
    written; `tfc-raise` forms it from `silu(gate) * up` and
    `gate * sigmoid(gate) * up`.

    ```mlir
    %0 = tfc.swiglu %gate, %up : tensor<1x32x128xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$gate, Tfc_FloatTensor:$up);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($result)";
}

def Tfc_GeluOp : Tfc_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Elementwise GELU, exact (erf) or tanh-approximated";
  let description = [{
    `approximate = none`: `0.5 * x * (1 + erf(x / sqrt(2)))`.
    `approximate = tanh`: `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`.

    ```mlir
    %0 = tfc.gelu %x approximate = tanh : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$input,
      DefaultValuedAttr<Tfc_GeluApproximation,
                        "::mlir::tfc::GeluApproximation::none">:$approximate);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat =
      "$input `approximate` `=` $approximate attr-dict `:` type($input)";
}

def Tfc_CastOp : Tfc_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Elementwise conversion to another element type";
  let description = [{
    Converts every element to the result's element type (float<->float
    rounds to nearest even, float->int truncates toward zero, int->float
    rounds, x->i1 is x != 0). A cast to the same type folds away.

    ```mlir
    %0 = tfc.cast %x : tensor<4xf32> to tensor<4xbf16>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$input);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and normalisations
//===----------------------------------------------------------------------===//

def Tfc_ReduceOp : Tfc_Op<"reduce", [Pure, InferTypeOpAdaptor]> {
  let summary = "Reduction (sum, mean, max, min, prod) over axes";
  let description = [{
    Reduces `input` over the (non-negative, strictly increasing) `axes`.
    With `keep_dims` the reduced dimensions stay as size 1.

    ```mlir
    %0 = tfc.reduce mean %x {axes = array<i64: 1>, keep_dims = true}
        : (tensor<4x8xf32>) -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins Tfc_ReduceKind:$kind, Tfc_Tensor:$input,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat =
      "$kind $input attr-dict `:` functional-type(operands, results)";
}

def Tfc_SoftmaxOp : Tfc_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "Softmax along one axis";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis` (non-negative).
    The discardable unit attribute `tfc.online` (set by
    `tfc-online-softmax`) selects the single-pass online form: a running
    maximum and a sum of exponentials rescaled whenever the maximum grows.
    Kernels and the reference executor run that form; `tfc.tile` (set by
    `tfc-tile`) fixes the row layout `[threadsPerRow, rowsPerBlock]`
    (`tfc/Dialect/KernelForms.h`).

    ```mlir
    %0 = tfc.softmax %x {axis = 1 : i64} : tensor<4x8xf32>
    %1 = tfc.softmax %x {axis = 1 : i64, tfc.online} : tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Tfc_LayerNormOp : Tfc_Op<"layer_norm", [Pure, InferTypeOpAdaptor,
    AttrSizedOperandSegments]> {
  let summary = "Layer normalisation over the trailing axes";
  let description = [{
    Normalises `input` over the dimensions `[axis, rank)`: subtracts the mean,
    divides by `sqrt(variance + epsilon)` (biased variance), then multiplies
    by `scale` and adds `bias` when given. `scale` and `bias` have the shape
    of the normalised dimensions (ONNX LayerNormalization semantics). A
    `bias` needs a `scale`: the custom form could not tell a lone bias apart.

    ```mlir
    %0 = tfc.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$input,
                       Optional<Tfc_FloatTensor>:$scale,
                       Optional<Tfc_FloatTensor>:$bias,
                       I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$input (`,` $scale^)? (`,` $bias^)? attr-dict `:` "
                       "functional-type(operands, results)";
}

def Tfc_RmsNormOp : Tfc_Op<"rms_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "RMS normalisation over the trailing axes";
  let description = [{
    `x / sqrt(mean(x^2 over [axis, rank)) + epsilon) * scale`, with `scale`
    (optional) shaped like the normalised dimensions.

    ```mlir
    %0 = tfc.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-06 : f32}
        : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$input,
                       Optional<Tfc_FloatTensor>:$scale,
                       I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$input (`,` $scale^)? attr-dict `:` "
                       "functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Matrix ops
//===----------------------------------------------------------------------===//

def Tfc_MatmulOp : Tfc_Op<"matmul", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Batched matrix product with broadcast batch dimensions";
  let description = [{
    `lhs: [..., M, K]` times `rhs: [..., K, N]` gives `[..., M, N]`; batch
    dimensions broadcast as in `tfc.add`. With `transpose_lhs` /
    `transpose_rhs` the last two dimensions of that operand are read swapped
    (`rhs: [..., N, K]`). Both operands have rank 2 or more and the same
    element type; the product accumulates in `accumulator_type` (default
    f32 for floats). The result has the operands' element type, or, for
    16-bit float operands, f32: the accumulator written out unrounded (a
    tensor-parallel partial sum that is all-reduced in f32).

    `tfc.tile` (set by `tfc-tile` or pinned) fixes the kernel's tiles for
    16-bit operands: 6 values `[blockM, blockN, blockK, warpsM, warpsN,
    stages]` select the mma.sync family; 3 or 4 values `[blockM, blockN,
    stages(, persistent)]` the wgmma + TMA family on sm_90a
    (lib/Conversion/FusionKernels/KernelConfig.h says which tiles are valid).

    ```mlir
    %0 = tfc.matmul %a, %w {transpose_rhs = true}
        : (tensor<2x32x64xf32>, tensor<128x64xf32>) -> tensor<2x32x128xf32>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$lhs, Tfc_Tensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_lhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_rhs,
                       OptionalAttr<TypeAttr>:$accumulator_type);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Tfc_DynamicQuantizeOp : Tfc_Op<"dynamic_quantize", [Pure]> {
  let summary = "Quantize a tensor to fp8 e4m3 with a per-tensor scale "
                "computed from its values";
  let description = [{
    `scale = amax(|input|) / 448` (1 when the input is all zeros), computed
    in f32 and returned as a rank-0 f32 tensor, and `result =
    round_to_nearest_even(input / scale)` in `f8E4M3FN` (448 is its largest
    finite value, so nothing saturates). `tfc-lower-precision{fp8=...}`
    quantizes matmul activations with it; `tfc.scaled_matmul` multiplies
    the scale back.

    ```mlir
    %q, %s = tfc.dynamic_quantize %x : tensor<32x128xbf16> -> tensor<32x128xf8E4M3FN>, tensor<f32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$input);
  let results = (outs Tfc_FloatTensor:$result, Tfc_FloatTensor:$scale);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result) "
                       "`,` type($scale)";
  let hasVerifier = 1;
}

def Tfc_ScaledMatmulOp : Tfc_Op<"scaled_matmul", [Pure]> {
  let summary = "Matrix product of fp8 e4m3 operands with dequantization "
                "scales";
  let description = [{
    `result[..., m, n] = (sum_k lhs[..., m, k] * rhs[k, n]) * lhs_scale *
    rhs_scale[n]`: `lhs: [..., M, K]` and the weight `rhs: [K, N]` are
    `f8E4M3FN`, the products are accumulated in f32, and the sum is scaled
    back and rounded to the result's float type. `lhs_scale` is a rank-0
    f32 tensor (per tensor); `rhs_scale` is rank 0 (per tensor) or `[N]`
    (per output channel). Made by `tfc-lower-precision{fp8=...}`; the
    reference executor runs it, the GPU kernels do not yet.

    ```mlir
    %0 = tfc.scaled_matmul %q, %w scales(%s, %ws)
        : (tensor<32x128xf8E4M3FN>, tensor<128x512xf8E4M3FN>, tensor<f32>,
           tensor<512xf32>) -> tensor<32x512xbf16>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$lhs, Tfc_FloatTensor:$rhs,
                       Tfc_FloatTensor:$lhs_scale, Tfc_FloatTensor:$rhs_scale);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs `scales` `(` $lhs_scale `,` $rhs_scale "
                       "`)` attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Tfc_AttentionOp : Tfc_Op<"attention", [Pure, InferTypeOpAdaptor]> {
  let summary = "Scaled dot-product attention (causal, window, ALiBi, GQA)";
  let description = [{
    `softmax(scale * q k^T + mask + alibi) v` per head, with
    `q: [B, Hq, Sq, D]`, `k: [B, Hkv, Skv, D]`, `v: [B, Hkv, Skv, Dv]` and
    result `[B, Hq, Sq, Dv]`. `Hq` must be a multiple of `Hkv`: query head
    `h` reads key/value head `h / (Hq / Hkv)` (GQA; MQA when `Hkv = 1`).
    `mask` (optional) is additive and broadcasts to `[B, Hq, Sq, Skv]`.
    `causal` masks key `j > i + (Skv - Sq)`; `window > 0` also masks keys
    further than `window - 1` behind the query (sliding window); `alibi`
    adds the standard per-head linear bias.

    The discardable unit attribute `tfc.flash` (set by `tfc-online-softmax`)
    selects the flash form: keys and values in tiles of blockKV, a running
    max, sum and output accumulator per query row, key tiles outside the
    causal / window range skipped, the score matrix never materialised;
    `tfc.tile = array<i64: blockQ, blockKV, warps, stages>` (set by
    `tfc-tile` or pinned) fixes the tiles the kernel and the reference
    executor use (`tfc/Dialect/KernelForms.h`).

    ```mlir
    %0 = tfc.attention %q, %k, %v {scale = 0.125 : f32, causal = true}
        : (tensor<1x8x32x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x64xf32>)
        -> tensor<1x8x32x64xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$query, Tfc_FloatTensor:$key,
                       Tfc_FloatTensor:$value,
                       Optional<Tfc_FloatTensor>:$mask,
                       F32Attr:$scale,
                       DefaultValuedAttr<BoolAttr, "false">:$causal,
                       DefaultValuedAttr<I64Attr, "0">:$window,
                       DefaultValuedAttr<BoolAttr, "false">:$alibi);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$query `,` $key `,` $value (`,` `mask` $mask^)? "
                       "attr-dict `:` functional-type(operands, results)";
}

def Tfc_RopeOp : Tfc_Op<"rope", [Pure, InferTypeOpAdaptor]> {
  let summary = "Rotary position embedding";
  let description = [{
    Rotates pairs of the last dimension of `x` by the angles whose cosine
    and sine are given (`cos`, `sin` broadcast to `x`'s shape). Rotate-half
    form (default): pairs are `(i, i + D/2)`, `out = x * cos +
    rotate_half(x) * sin`. Interleaved form: pairs are `(2i, 2i+1)`.

    ```mlir
    %0 = tfc.rope %x, %cos, %sin : (tensor<1x8x32x64xf32>, tensor<32x64xf32>,
        tensor<32x64xf32>) -> tensor<1x8x32x64xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$input, Tfc_FloatTensor:$cos,
                       Tfc_FloatTensor:$sin,
                       DefaultValuedAttr<BoolAttr, "false">:$interleaved);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$input `,` $cos `,` $sin attr-dict `:` "
                       "functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Structural ops
//===----------------------------------------------------------------------===//

def Tfc_TransposeOp : Tfc_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "Permutes dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`. An identity
    permutation folds away; a transpose of a transpose folds into one.

    ```mlir
    %0 = tfc.transpose %x {permutation = array<i64: 0, 2, 1, 3>}
        : (tensor<1x32x4x32xf32>) -> tensor<1x4x32x32xf32>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tfc_ReshapeOp : Tfc_Op<"reshape", [Pure]> {
  let summary = "Reinterprets the shape (row-major order kept)";
  let description = [{
    Same elements in row-major order, new static shape given by the result
    type; the element counts must match. Reshape to the same type folds away
    and a reshape of a reshape folds into one.

    ```mlir
    %0 = tfc.reshape %x : tensor<1x32x128xf32> to tensor<1x32x4x32xf32>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$input);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tfc_ExpandOp : Tfc_Op<"expand", [Pure]> {
  let summary = "Broadcasts to a larger shape";
  let description = [{
    Broadcasts `input` to the result shape with ONNX/numpy rules (the result
    shape is given by the result type). Expanding to the same type folds.

    ```mlir
    %0 = tfc.expand %x : tensor<1x4xf32> to tensor<8x4xf32>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$input);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tfc_SliceOp : Tfc_Op<"slice", [Pure, InferTypeOpAdaptor]> {
  let summary = "Static strided slice";
  let description = [{
    Takes, along each dimension `d`, `sizes[d]` elements starting at
    `offsets[d]` with step `strides[d]` (all static, strides positive).

    ```mlir
    %0 = tfc.slice %x {offsets = array<i64: 0, 64>, sizes = array<i64: 32, 64>,
        strides = array<i64: 1, 1>} : (tensor<32x192xf32>) -> tensor<32x64xf32>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$strides);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tfc_ConcatOp : Tfc_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "Concatenates tensors along an axis";
  let description = [{
    All inputs have the same rank and element type and agree on every
    dimension but `axis`.

    ```mlir
    %0 = tfc.concat %a, %b {axis = 1 : i64}
        : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Tfc_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def Tfc_SplitOp : Tfc_Op<"split", [Pure, InferTypeOpAdaptor]> {
  let summary = "Splits a tensor along an axis into pieces of given sizes";
  let description = [{
    Result `i` holds `sizes[i]` consecutive slices along `axis`; the sizes
    sum to the dimension.

    ```mlir
    %q, %k, %v = tfc.split %x {axis = 2 : i64, sizes = array<i64: 128, 128, 128>}
        : (tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x128xf32>, tensor<1x32x128xf32>)
    ```
  }];
  let arguments = (ins Tfc_Tensor:$input, I64Attr:$axis,
                       DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<Tfc_Tensor>:$results);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Tfc_GatherOp : Tfc_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gathers slices along an axis (embedding lookup)";
  let description = [{
    `result[a..., i..., b...] = data[a..., indices[i...], b...]` with `axis`
    the position of the gathered dimension; the result shape is
    `data.shape[:axis] + indices.shape + data.shape[axis+1:]`. Negative
    indices count from the end; out-of-range indices are a runtime error
    the kernels clamp.

    ```mlir
    %0 = tfc.gather %emb, %ids {axis = 0 : i64}
        : (tensor<512x128xf32>, tensor<1x32xi64>) -> tensor<1x32x128xf32>
    ```
  }];
  let arguments = (ins Tfc_Tensor:$data, Tfc_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Tfc_Tensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` "
                       "functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Collectives (tensor parallelism)
//===----------------------------------------------------------------------===//

def Tfc_AllReduceOp : Tfc_Op<"all_reduce", [SameOperandsAndResultType]> {
  let summary = "Sum of a tensor over the ranks of a tensor-parallel group";
  let description = [{
    Every one of the `ranks` ranks holds a partial `input` of the same type;
    each gets back their elementwise sum (NCCL `ncclAllReduce` with
    `ncclSum` on the GPU; the reference executor sums the partials of the
    simulated ranks). `tfc-shard-tensor-parallel` puts one after each
    row-split projection (attention output, MLP down projection). It is not
    `Pure`: every rank must run the same collectives in the same order, so
    no pass may drop, merge or fuse one.

    ```mlir
    %1 = tfc.all_reduce %0 {ranks = 2 : i64} : tensor<1x32x4096xf32>
    ```
  }];
  let arguments = (ins Tfc_FloatTensor:$input, I64Attr:$ranks);
  let results = (outs Tfc_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Tfc_AllReduceInPlaceOp : Tfc_Op<"all_reduce_in_place"> {
  let summary = "Launch-program form of tfc.all_reduce: sum a buffer over "
                "the ranks, in place";
  let description = [{
    What `tfc-lower-fusions-to-kernels` makes of a `tfc.all_reduce`: the
    buffer holding this rank's partial is replaced by the sum over the
    `ranks` ranks of the group. The artifact writer turns it into an
    all-reduce launch, which the runtime runs with NCCL on the stream of
    the kernels (inside the same CUDA graph).

    ```mlir
    tfc.all_reduce_in_place %buf {ranks = 2 : i64} : memref<1x32x4096xf32>
    ```
  }];
  let arguments = (ins Arg<MemRefOf<[F32, F16, BF16]>, "the partial, then the sum",
                           [MemRead, MemWrite]>:$buffer,
                       I64Attr:$ranks);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
  let hasVerifier = 1;
}

def Tfc_TensorMapOp : Tfc_Op<"tensor_map", [Pure]> {
  let summary = "Launch-program form of a kernel's TMA descriptor argument";
  let description = [{
    What `tfc-lower-fusions-to-kernels` passes a wgmma + TMA matmul kernel
    for each of its tensor-map arguments: a pointer (`!llvm.ptr`, the
    kernel's argument type) to the CUtensorMap of `buffer` viewed as the
    row-major tensor `shape` (outermost first, e.g. [batch, rows, cols];
    as many elements as the buffer), read in boxes of `box` elements with
    128-byte swizzle, 256-byte L2 promotion and zero fill out of bounds.
    Only the host can encode the descriptor: the artifact writer turns the
    op into a tensor-map argument (format version 5), which the runtime
    encodes for the buffer's address at run time.

    ```mlir
    %map = tfc.tensor_map %a {shape = array<i64: 1, 200, 72>,
        box = array<i64: 1, 128, 64>} : memref<200x72xbf16> -> !llvm.ptr
    ```
  }];
  let arguments = (ins AnyStaticShapeMemRef:$buffer,
                       DenseI64ArrayAttr:$shape, DenseI64ArrayAttr:$box);
  let results = (outs AnyType:$descriptor);
  let assemblyFormat =
      "$buffer attr-dict `:` type($buffer) `->` type($descriptor)";
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

def Tfc_FusionOp : Tfc_Op<"fusion", [IsolatedFromAbove,
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects]> {
  let summary = "A group of ops that becomes one GPU kernel";
  let description = [{
    The body (isolated from above) computes the results from the block
    arguments, which stand for `inputs`; it ends with `tfc.yield`. Each
    fusion is lowered to exactly one kernel: values inside it never travel
    through HBM. `kind` names the kernel family the group was formed for.

    ```mlir
    %0 = tfc.fusion "layer_norm" (%x, %g, %b) : (tensor<32x128xf32>,
        tensor<128xf32>, tensor<128xf32>) -> tensor<32x128xf32> {
    ^bb0(%a: tensor<32x128xf32>, %s: tensor<128xf32>, %t: tensor<128xf32>):
      %1 = tfc.layer_norm %a, %s, %t {axis = 1 : i64, epsilon = 1.0e-05 : f32}
          : (tensor<32x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
      tfc.yield %1 : tensor<32x128xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<Tfc_Tensor>:$inputs, StrAttr:$kind);
  let results = (outs Variadic<Tfc_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind `(` $inputs `)` attr-dict `:` "
                       "functional-type($inputs, $results) $body";
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::mlir::TypeRange":$resultTypes,
      "::mlir::ValueRange":$inputs, "::llvm::StringRef":$kind)>];
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def Tfc_YieldOp : Tfc_Op<"yield", [Pure, Terminator, HasParent<"FusionOp">,
    ReturnLike]> {
  let summary = "Returns the results of a tfc.fusion body";
  let arguments = (ins Variadic<Tfc_Tensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
}

#endif // TFC_OPS_TD
