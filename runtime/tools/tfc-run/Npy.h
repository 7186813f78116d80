//===- Npy.h - Strict reader and writer of NumPy .npy files ----*- C++ -*-===//
//
// tfc-run takes inputs and writes outputs as .npy files. Only what the
// artifact's dtypes need is accepted: little-endian, C order, and the
// descriptors '<f4' '<f2' '<i8' '<i4' '|i1' '|u1' '|b1', plus '<u2' for bf16
// (the raw 16 bits; NumPy has no bfloat16). Anything else is an error that
// says what was found.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_NPY_H
#define TFC_RUNTIME_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace tfc {
namespace npy {

struct Array {
  std::string descr;          ///< e.g. "<f4"
  std::vector<int64_t> shape; ///< C order
  std::string data;           ///< product(shape) * itemsize bytes
};

/// Parses the bytes of a .npy file (format versions 1.0, 2.0 and 3.0).
bool parse(const std::string &bytes, Array &out, std::string &error);
bool readFile(const std::string &path, Array &out, std::string &error);

/// The bytes of a version 1.0 .npy file (2.0 if the header needs it).
std::string serialize(const std::string &descr,
                      const std::vector<int64_t> &shape, const void *data,
                      size_t bytes);
bool writeFile(const std::string &path, const std::string &descr,
               const std::vector<int64_t> &shape, const void *data,
               size_t bytes, std::string &error);

/// Item size of a supported descriptor, 0 for any other.
size_t itemSize(const std::string &descr);

/// The descriptor that stores a tfcmDType ("<u2" for bf16); NULL if none.
const char *descrForDType(uint32_t dtype);

/// "(2, 3)", "(3,)", "()": shapes as NumPy prints them.
std::string shapeString(const std::vector<int64_t> &shape);

} // namespace npy
} // namespace tfc

#endif // TFC_RUNTIME_NPY_H
