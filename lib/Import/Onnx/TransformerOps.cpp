//===- TransformerOps.cpp - ONNX opset-23 Attention and RotaryEmbedding ---===//
//
// Handlers for the fused transformer ops of opset 23. Attention becomes
// tfc.attention (3-D inputs are split into heads first; bool masks become
// additive ones); RotaryEmbedding becomes tfc.rope with its half-width
// cos/sin caches widened to the rotated dimension (partial rotation slices
// the head and concatenates the pass-through part back). KV caches and the
// extra debug outputs are not supported and say so.
//
//===----------------------------------------------------------------------===//

#include "OnnxImportContext.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

static FailureOr<Value> reshape(OnnxNode &node, Value value,
                                ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto op = node.createWithType<ReshapeOp>(type.clone(shape), value);
  if (failed(op))
    return failure();
  return op->getResult();
}

static FailureOr<Value> transpose(OnnxNode &node, Value value,
                                  ArrayRef<int64_t> permutation) {
  auto op = node.create<TransposeOp>(value, permutation);
  if (failed(op))
    return failure();
  return op->getResult();
}

/// [B, S, H*D] -> [B, H, S, D].
static FailureOr<Value> splitHeads(OnnxNode &node, Value value, int64_t heads,
                                   StringRef what) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t hidden = type.getDimSize(2);
  if (heads <= 0 || hidden % heads != 0)
    return node.emitError() << node.getOpType() << " " << what << " of type "
                            << type << " cannot be split into " << heads
                            << " heads";
  auto split = reshape(node, value,
                       {type.getDimSize(0), type.getDimSize(1), heads,
                        hidden / heads});
  if (failed(split))
    return failure();
  return transpose(node, *split, {0, 2, 1, 3});
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

static LogicalResult importAttention(OnnxNode &node) {
  if (failed(node.checkNumInputs(3, 6)) || failed(node.checkNumOutputs(1, 4)))
    return failure();
  if (node.hasInput(4) || node.hasInput(5))
    return node.emitError() << "Attention with a KV cache (past_key / "
                               "past_value inputs) is not supported";
  auto causal = node.getBoolAttr("is_causal", false);
  auto softcap = node.getFloatAttr("softcap", 0.0f);
  auto qHeads = node.getIntAttr("q_num_heads", 0);
  auto kvHeads = node.getIntAttr("kv_num_heads", 0);
  auto mode = node.getIntAttr("qk_matmul_output_mode", 0);
  auto precision = node.getIntAttr("softmax_precision", 0);
  if (failed(causal) || failed(softcap) || failed(qHeads) || failed(kvHeads) ||
      failed(mode) || failed(precision))
    return failure();
  if (*softcap != 0.0f)
    return node.emitError() << "Attention attribute 'softcap' is " << *softcap
                            << "; tfc.attention has no softcap";

  int64_t rank = node.getInputRank(0);
  if (rank != 3 && rank != 4)
    return node.emitError() << "Attention inputs must have rank 3 or 4, got "
                            << node.getInputType(0);
  for (unsigned i = 1; i < 3; ++i)
    if (node.getInputRank(i) != rank)
      return node.emitError() << "Attention inputs Q, K and V must have the "
                                 "same rank, got "
                              << node.getInputType(0) << " and "
                              << node.getInputType(i);
  auto q = node.getInput(0), k = node.getInput(1), v = node.getInput(2);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  if (rank == 3) {
    q = splitHeads(node, *q, *qHeads, "Q");
    if (succeeded(q))
      k = splitHeads(node, *k, *kvHeads, "K");
    if (succeeded(q) && succeeded(k))
      v = splitHeads(node, *v, *kvHeads, "V");
    if (failed(q) || failed(k) || failed(v))
      return failure();
  }
  auto qType = cast<RankedTensorType>(q->getType());
  auto kType = cast<RankedTensorType>(k->getType());
  int64_t querySeq = qType.getDimSize(2), keySeq = kType.getDimSize(2);
  if (*causal && querySeq != keySeq)
    return node.emitError()
           << "Attention is_causal with " << querySeq << " queries and "
           << keySeq
           << " keys is not supported (ONNX aligns the causal mask to the "
              "top left without a KV cache, tfc.attention to the bottom right)";

  // The mask: bool (true = attend) becomes additive 0 / -inf.
  Value mask;
  if (node.hasInput(3)) {
    RankedTensorType maskType = node.getInputType(3);
    if (maskType.getRank() == 0 || maskType.getShape().back() != keySeq)
      return node.emitError() << "Attention attn_mask of type " << maskType
                              << " must end in the key sequence length "
                              << keySeq;
    auto input = node.getInput(3);
    if (failed(input))
      return failure();
    mask = *input;
    if (maskType.getElementType().isInteger(1)) {
      Type elementType = qType.getElementType();
      auto where = node.create<WhereOp>(
          mask, node.getScalarConstant(elementType, 0.0),
          node.getScalarConstant(elementType,
                                 -std::numeric_limits<double>::infinity()));
      if (failed(where))
        return failure();
      mask = *where;
    }
  }

  float scale = 1.0f / std::sqrt(static_cast<float>(qType.getDimSize(3)));
  if (node.hasAttr("scale")) {
    auto attr = node.getFloatAttr("scale", std::nullopt);
    if (failed(attr))
      return failure();
    scale = *attr;
  }
  Builder &b = node.getBuilder();
  auto attention = node.create<AttentionOp>(
      *q, *k, *v, mask, b.getF32FloatAttr(scale), b.getBoolAttr(*causal),
      IntegerAttr(), BoolAttr());
  if (failed(attention))
    return failure();
  Value result = *attention;
  if (rank == 3) {
    auto type = attention->getType();
    auto merged = transpose(node, result, {0, 2, 1, 3});
    if (failed(merged))
      return failure();
    merged = reshape(node, *merged,
                     {type.getDimSize(0), type.getDimSize(2),
                      type.getDimSize(1) * type.getDimSize(3)});
    if (failed(merged))
      return failure();
    result = *merged;
  }
  node.setOutput(0, result);
  // Without a cache the present key/value are K and V in [B, H, S, D].
  node.setOutput(1, *k);
  node.setOutput(2, *v);
  node.setUnsupportedOutput(
      3,
      RankedTensorType::get({qType.getDimSize(0), qType.getDimSize(1),
                             querySeq, keySeq},
                            qType.getElementType()),
      "output 3 (qk_matmul_output) of Attention node '" +
          node.getName().str() + "' is not supported by tfc");
  return success();
}

//===----------------------------------------------------------------------===//
// RotaryEmbedding
//===----------------------------------------------------------------------===//

/// The cos or sin cache for the rotated width `rotaryDim`, broadcastable to
/// the rotated part of the input: gathered by position ids when given, then
/// widened from rotaryDim/2 (halves duplicated, or each entry repeated for
/// the interleaved form) and given a unit head dimension at `headAxis`.
static FailureOr<Value> getRopeTable(OnnxNode &node, unsigned input,
                                     int64_t rotaryDim, bool interleaved,
                                     int64_t headAxis) {
  auto table = node.getInput(input);
  if (failed(table))
    return failure();
  StringRef what = input == 1 ? "cos_cache" : "sin_cache";
  if (node.hasInput(3)) {
    auto ids = node.getInput(3);
    if (failed(ids))
      return failure();
    auto gathered = node.create<GatherOp>(*table, *ids, 0);
    if (failed(gathered))
      return failure();
    table = gathered->getResult();
  }
  auto type = cast<RankedTensorType>(table->getType());
  if (type.getRank() != 3 || type.getDimSize(2) * 2 != rotaryDim)
    return node.emitError() << "RotaryEmbedding " << what << " gives "
                            << type
                            << " per position; expected [batch, sequence, "
                            << rotaryDim / 2 << "]";
  int64_t batch = type.getDimSize(0), seq = type.getDimSize(1),
          half = type.getDimSize(2);
  Value wide;
  if (interleaved) {
    auto column = reshape(node, *table, {batch, seq, half, 1});
    if (failed(column))
      return failure();
    auto pairs = node.createWithType<ExpandOp>(
        RankedTensorType::get({batch, seq, half, 2}, type.getElementType()),
        *column);
    if (failed(pairs))
      return failure();
    auto flat = reshape(node, *pairs, {batch, seq, rotaryDim});
    if (failed(flat))
      return failure();
    wide = *flat;
  } else {
    auto doubled = node.create<ConcatOp>(ValueRange{*table, *table}, 2);
    if (failed(doubled))
      return failure();
    wide = *doubled;
  }
  SmallVector<int64_t> shape = {batch, seq, rotaryDim};
  shape.insert(shape.begin() + headAxis, 1);
  return reshape(node, wide, shape);
}

static LogicalResult importRotaryEmbedding(OnnxNode &node) {
  if (failed(node.checkNumInputs(3, 4)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto interleaved = node.getBoolAttr("interleaved", false);
  auto numHeads = node.getIntAttr("num_heads", 0);
  auto rotaryAttr = node.getIntAttr("rotary_embedding_dim", 0);
  if (failed(interleaved) || failed(numHeads) || failed(rotaryAttr))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank();
  if (rank != 3 && rank != 4)
    return node.emitError() << "RotaryEmbedding input must have rank 3 or 4, "
                               "got "
                            << type;
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  // Work on [B, S, H, D] (3-D input) or [B, H, S, D] (4-D input).
  Value x = *input;
  int64_t headAxis = rank == 3 ? 2 : 1;
  if (rank == 3) {
    int64_t hidden = type.getDimSize(2);
    if (*numHeads <= 0 || hidden % *numHeads != 0)
      return node.emitError()
             << "RotaryEmbedding on a 3-D input needs attribute 'num_heads' "
                "dividing the hidden size "
             << hidden << ", got " << *numHeads;
    auto split = reshape(node, x,
                         {type.getDimSize(0), type.getDimSize(1), *numHeads,
                          hidden / *numHeads});
    if (failed(split))
      return failure();
    x = *split;
  }
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t headSize = xType.getDimSize(3);
  int64_t rotaryDim = *rotaryAttr == 0 ? headSize : *rotaryAttr;
  if (rotaryDim <= 0 || rotaryDim > headSize || rotaryDim % 2 != 0)
    return node.emitError() << "RotaryEmbedding attribute "
                               "'rotary_embedding_dim' is "
                            << *rotaryAttr << "; it must be even and at most "
                            << "the head size " << headSize;

  auto cos = getRopeTable(node, 1, rotaryDim, *interleaved, headAxis);
  auto sin = succeeded(cos)
                 ? getRopeTable(node, 2, rotaryDim, *interleaved, headAxis)
                 : FailureOr<Value>(failure());
  if (failed(cos) || failed(sin))
    return failure();

  Value rotated = x, passThrough;
  if (rotaryDim < headSize) {
    SmallVector<int64_t> zeros(4, 0), ones(4, 1), sizes(xType.getShape());
    sizes[3] = rotaryDim;
    auto head = node.create<SliceOp>(x, zeros, sizes, ones);
    SmallVector<int64_t> offsets(4, 0);
    offsets[3] = rotaryDim;
    sizes[3] = headSize - rotaryDim;
    auto tail = node.create<SliceOp>(x, offsets, sizes, ones);
    if (failed(head) || failed(tail))
      return failure();
    rotated = *head;
    passThrough = *tail;
  }
  auto rope = node.create<RopeOp>(rotated, *cos, *sin, *interleaved);
  if (failed(rope))
    return failure();
  Value result = *rope;
  if (passThrough) {
    auto joined = node.create<ConcatOp>(ValueRange{result, passThrough}, 3);
    if (failed(joined))
      return failure();
    result = *joined;
  }
  if (rank == 3) {
    auto merged = reshape(node, result, type.getShape());
    if (failed(merged))
      return failure();
    result = *merged;
  }
  node.setOutput(0, result);
  return success();
}

void mlir::tfc::onnx_import::populateTransformerHandlers(
    OnnxOpRegistry &registry) {
  registry.add("Attention", 23, kOnnxMaxOpset, importAttention);
  registry.add("RotaryEmbedding", 23, kOnnxMaxOpset, importRotaryEmbedding);
}
