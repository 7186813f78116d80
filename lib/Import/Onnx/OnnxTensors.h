//===- OnnxTensors.h - ONNX data types and tensor payloads ------*- C++ -*-===//
//
// Maps ONNX element types to MLIR types and reads a TensorProto's payload
// (raw_data, the typed repeated fields, or ONNX external data) into bytes,
// a DenseElementsAttr, or a dense_resource blob for weights.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_IMPORT_ONNX_ONNXTENSORS_H
#define TFC_LIB_IMPORT_ONNX_ONNXTENSORS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"

#include "onnx/onnx_pb.h"

#include <optional>
#include <string>

namespace mlir::tfc::onnx_import {

/// The MLIR element type of an ONNX `TensorProto::DataType`, or null for the
/// types tfc does not handle (string, complex, float8, 4-bit). Unsigned
/// integers map to signless integers of the same width.
Type getElementType(MLIRContext *context, int32_t dataType);

/// True for UINT8, UINT16, UINT32 and UINT64.
bool isUnsignedDataType(int32_t dataType);

/// The ONNX name of a data type ("FLOAT", "INT64", ...), for messages.
std::string getDataTypeName(int32_t dataType);

/// The tensor type of a TensorProto; emits an error at `loc` naming `what`
/// for negative dims or an unsupported data type.
FailureOr<RankedTensorType> getTensorType(const ::onnx::TensorProto &tensor,
                                          Location loc, StringRef what);

/// A tensor's payload as little-endian bytes in MLIR's storage layout (one
/// byte per i1 element).
struct TensorBytes {
  RankedTensorType type;
  /// A view of the protobuf message's raw_data when the payload is used as
  /// is; else `owned` holds the bytes.
  std::optional<ArrayRef<char>> borrowed;
  std::string owned;

  /// The bytes. Computed on each call: a view into `owned` stored in the
  /// struct would dangle once the struct moves (a short std::string keeps its
  /// characters inline).
  ArrayRef<char> getBytes() const {
    return borrowed ? *borrowed : ArrayRef<char>(owned.data(), owned.size());
  }
};

/// Where an initializer stored as ONNX external data keeps its bytes: the
/// entries `location` (relative to the model's directory), `offset` and
/// `length` of its external_data.
struct ExternalDataRef {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
};

/// Reads the external_data entries of a tensor whose data_location is
/// EXTERNAL; emits an error for a missing, absolute or escaping location or
/// a non-integer offset or length.
FailureOr<ExternalDataRef> getExternalDataRef(const ::onnx::TensorProto &tensor,
                                              Location loc, StringRef what);

/// Reads a tensor's payload, checking its size against its type. External
/// data locations are resolved against `externalDataDir`.
FailureOr<TensorBytes> readTensorBytes(const ::onnx::TensorProto &tensor,
                                       StringRef externalDataDir, Location loc,
                                       StringRef what);

/// Float tensors above this many elements are weights: imported as
/// tfc.parameter and never folded through. Smaller ones (scalars of the
/// GELU, attention scale) and integer/bool tensors are constants.
constexpr int64_t kMaxConstantFloatElements = 16;

/// True when an initializer (or a Constant node's tensor) is a model weight
/// rather than a constant: a float tensor of more than
/// kMaxConstantFloatElements elements, or any tensor of 1M elements or more.
bool isWeightTensor(const ::onnx::TensorProto &tensor);

/// True when a weight tensor stored in the model file itself (not ONNX
/// external data) is an additive attention mask an exporter folded: every
/// element 0 or a masking value (-inf, or at most half the type's most
/// negative finite value, such as torch.finfo.min), with both present.
/// Such a tensor keeps its data even with --weights=external: it is graph
/// structure, not a parameter to bind, and tfc-raise needs its values to
/// see a causal mask.
bool isFoldedAdditiveMask(const ::onnx::TensorProto &tensor);

/// The payload as a DenseElementsAttr (for constants).
DenseElementsAttr toDenseElements(const TensorBytes &tensor);

/// The payload as a `dense_resource` blob named after `blobName` (for
/// weights, so they never print as text).
ElementsAttr toDenseResource(const TensorBytes &tensor, StringRef blobName);

} // namespace mlir::tfc::onnx_import

#endif // TFC_LIB_IMPORT_ONNX_ONNXTENSORS_H
