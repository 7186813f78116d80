//===- Fp8Ops.cpp - verifiers of the fp8 ops --------------------*- C++ -*-===//
//
// tfc.dynamic_quantize and tfc.scaled_matmul, the two ops that
// tfc-lower-precision{fp8=...} introduces: f8E4M3FN tensors and the f32
// scales that dequantize them. Kept apart from TfcOps.cpp because they
// form one feature.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::tfc;

static bool isE4M3(Type type) {
  return isa<Float8E4M3FNType>(getElementTypeOrSelf(type));
}

/// A rank-0 f32 tensor.
static bool isScalarF32(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return tensor.getRank() == 0 && tensor.getElementType().isF32();
}

LogicalResult DynamicQuantizeOp::verify() {
  if (!isE4M3(getResult().getType()))
    return emitOpError("result element type must be f8E4M3FN, got ")
           << getResult().getType().getElementType();
  if (getResult().getType().getShape() != getInput().getType().getShape())
    return emitOpError("result type ")
           << getResult().getType() << " does not have the input's shape "
           << getInput().getType();
  if (!isScalarF32(getScale().getType()))
    return emitOpError("scale must be tensor<f32>, got ")
           << getScale().getType();
  return success();
}

LogicalResult ScaledMatmulOp::verify() {
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  if (!isE4M3(lhs) || !isE4M3(rhs))
    return emitOpError("operands must be f8E4M3FN tensors, got ")
           << lhs << " and " << rhs;
  if (lhs.getRank() < 2 || rhs.getRank() != 2)
    return emitOpError("needs lhs [..., M, K] and rhs [K, N], got ")
           << lhs << " and " << rhs;
  int64_t k = lhs.getShape().back(), n = rhs.getDimSize(1);
  if (rhs.getDimSize(0) != k)
    return emitOpError("contraction sizes differ: lhs ")
           << lhs << " has K = " << k << ", rhs " << rhs
           << " has K = " << rhs.getDimSize(0);
  if (!isScalarF32(getLhsScale().getType()))
    return emitOpError("lhs_scale must be tensor<f32>, got ")
           << getLhsScale().getType();
  auto rhsScale = getRhsScale().getType();
  bool perChannel = rhsScale.getRank() == 1 && rhsScale.getDimSize(0) == n &&
                    rhsScale.getElementType().isF32();
  if (!isScalarF32(rhsScale) && !perChannel)
    return emitOpError("rhs_scale must be tensor<f32> or tensor<")
           << n << "xf32>, got " << rhsScale;
  SmallVector<int64_t> shape(lhs.getShape().drop_back());
  shape.push_back(n);
  auto result = getResult().getType();
  if (result.getShape() != ArrayRef<int64_t>(shape))
    return emitOpError("result type ")
           << result << " does not have the product's shape ["
           << llvm::make_range(shape.begin(), shape.end()) << "]";
  if (isE4M3(result))
    return emitOpError("result must not be f8E4M3FN: the product is "
                       "returned in a wider float type");
  return success();
}
