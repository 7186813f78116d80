//===- ConstantUtils.h - reading and converting constant tensors -*- C++ -*-===//
//
// Graph passes look into constants: tfc-raise checks that a mask is exactly
// the causal pattern or that a GELU coefficient is 0.044715, and
// tfc-lower-precision converts weights to bf16/f16 ahead of time. The values
// live in a `tfc.constant` (a DenseElementsAttr) or in a `tfc.parameter`
// with an inline value (usually a dense_resource blob); these helpers read
// both forms the same way and build converted copies.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PASSES_CONSTANTUTILS_H
#define TFC_PASSES_CONSTANTUTILS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::tfc {

/// The value attribute behind `v`: a `tfc.constant`'s value, or the inline
/// value of a `tfc.parameter`; null for anything else (external weights,
/// computed values).
ElementsAttr getConstantAttr(Value v);

/// Every element of a float constant tensor as a double (row-major), read
/// from dense or dense_resource data; nullopt when `v` is not such a
/// constant or has more than `maxElements` elements.
std::optional<SmallVector<double>>
getConstantFloats(Value v, int64_t maxElements = int64_t(1) << 24);

/// Every element of an i1 constant tensor; nullopt as above.
std::optional<SmallVector<bool>>
getConstantBools(Value v, int64_t maxElements = int64_t(1) << 24);

/// The value of a float constant whose elements are all equal (a splat, or
/// a small tensor such as tensor<1xf32> holding one value).
std::optional<double> getUniformFloat(Value v);

/// Whether `v` is a uniform float constant equal to `expected` rounded to
/// its element type, within `ulps` units in the last place of that type
/// (0: exactly the rounded value).
bool isUniformFloat(Value v, double expected, unsigned ulps = 0);

/// `attr` (float elements, dense or dense_resource) converted to
/// `elementType` with round-to-nearest-even; the result is a dense_resource
/// blob named after `blobName` when the input was one, else a dense
/// attribute. Null when `attr` holds no readable float data.
ElementsAttr convertFloatElements(ElementsAttr attr, FloatType elementType,
                                  StringRef blobName);

} // namespace mlir::tfc

#endif // TFC_PASSES_CONSTANTUTILS_H
