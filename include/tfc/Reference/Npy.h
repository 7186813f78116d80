//===- Npy.h - strict .npy reader and writer for host tensors ---*- C++ -*-===//
//
// Reads and writes NumPy `.npy` files (format 1.0-3.0, little-endian, C
// order) so that the reference executor's inputs and outputs can be produced
// and checked with NumPy, onnxruntime or PyTorch. Strict: the dtype and shape
// must be exactly the ones the tensor type maps to; nothing is converted.
//
// Element type -> dtype: f64 `<f8`, f32 `<f4`, f16 `<f2`, bf16 and other
// float types `<f4` (NumPy has no bf16; the values are exact in f32, and
// inputs are rounded to the type when read), i64 `<i8`, i32 `<i4`, i16
// `<i2`, i8 `|i1`, i1 `|b1`.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_REFERENCE_NPY_H
#define TFC_REFERENCE_NPY_H

#include "tfc/Reference/Executor.h"

#include <string>
#include <vector>

namespace mlir::tfc::reference {

/// The contents of a .npy file: its dtype string, shape and raw data.
struct NpyArray {
  std::string descr;
  SmallVector<int64_t> shape;
  std::vector<char> data;
};

/// The .npy dtype used for tensors of `elementType`, or "" when none.
std::string npyDescrFor(Type elementType);

/// Parses a .npy file; on failure `error` says why.
FailureOr<NpyArray> readNpy(StringRef path, std::string &error);

/// Converts `array` to a tensor of `type`, requiring exactly the dtype
/// `npyDescrFor(type.getElementType())` and the shape of `type`.
FailureOr<Tensor> tensorFromNpy(const NpyArray &array, RankedTensorType type,
                                std::string &error);

/// Writes `tensor` as a .npy file of dtype `npyDescrFor` its element type.
LogicalResult writeNpy(StringRef path, const Tensor &tensor,
                       std::string &error);

} // namespace mlir::tfc::reference

#endif // TFC_REFERENCE_NPY_H
