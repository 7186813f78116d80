//===- NpyTest.cpp - The strict .npy reader and writer --------------------===//

#include "Npy.h"

#include "tfc/artifact_format.h"

#include <cstring>
#include <gtest/gtest.h>

namespace tfc {
namespace {

std::string npyFile(const std::string &dict, const std::string &data,
                    int major = 1) {
  std::string header = dict;
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += char(major);
  out += char(0);
  size_t lengthBytes = major == 1 ? 2 : 4;
  for (size_t i = 0; i < lengthBytes; ++i)
    out += char((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

TEST(Npy, RoundTrip) {
  float values[6] = {1, 2, 3, 4, 5, 6};
  std::string bytes = npy::serialize("<f4", {2, 3}, values, sizeof(values));
  EXPECT_EQ(0u, (bytes.size() - sizeof(values)) % 64);
  npy::Array array;
  std::string error;
  ASSERT_TRUE(npy::parse(bytes, array, error)) << error;
  EXPECT_EQ("<f4", array.descr);
  EXPECT_EQ((std::vector<int64_t>{2, 3}), array.shape);
  ASSERT_EQ(sizeof(values), array.data.size());
  EXPECT_EQ(0, std::memcmp(values, array.data.data(), sizeof(values)));
}

TEST(Npy, ScalarsOneDimAndVersion2) {
  npy::Array array;
  std::string error;
  ASSERT_TRUE(npy::parse(npyFile("{'descr': '|b1', 'fortran_order': False, "
                                 "'shape': (), }",
                                 std::string(1, '\1')),
                         array, error))
      << error;
  EXPECT_TRUE(array.shape.empty());
  ASSERT_TRUE(npy::parse(npyFile("{\"shape\": (3,), \"fortran_order\": False, "
                                 "\"descr\": \"<i8\"}",
                                 std::string(24, '\0'), 2),
                         array, error))
      << error;
  EXPECT_EQ((std::vector<int64_t>{3}), array.shape);
  EXPECT_EQ("(3,)", npy::shapeString(array.shape));
  EXPECT_EQ("()", npy::shapeString({}));
}

TEST(Npy, Rejects) {
  struct Case {
    std::string bytes;
    std::string needle;
  } cases[] = {
      {"hello", "not a .npy file"},
      {npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
               std::string(8, '\0')),
       "unsupported .npy dtype '<f8'"},
      {npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
               std::string(4, '\0')),
       "unsupported .npy dtype '>f4'"},
      {npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }",
               std::string(4, '\0')),
       "Fortran-order arrays are not supported"},
      {npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
               std::string(4, '\0')),
       ".npy data has 4 bytes; <f4 (2,) needs 8"},
      {npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
               std::string(5, '\0')),
       ".npy data has 5 bytes"},
      {npyFile("{'descr': '<f4', 'shape': (1,), }", std::string(4, '\0')),
       "header lacks one of"},
      {npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
               ""),
       "'shape' is not a tuple"},
      {npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
               "'extra': 1}",
               std::string(4, '\0')),
       "unexpected key 'extra'"},
      {npyFile("{'descr': '<f4'", "", 4), "unsupported .npy format version 4"},
      {std::string("\x93NUMPY\x01\x00\xff\x00", 10), "truncated"},
  };
  for (const Case &c : cases) {
    npy::Array array;
    std::string error;
    EXPECT_FALSE(npy::parse(c.bytes, array, error)) << c.needle;
    EXPECT_NE(std::string::npos, error.find(c.needle))
        << "error: " << error << "\nexpected: " << c.needle;
  }
}

TEST(Npy, DescriptorsForEveryDType) {
  for (uint32_t dtype = TFCM_DTYPE_F32; dtype <= TFCM_DTYPE_BOOL; ++dtype) {
    const char *descr = npy::descrForDType(dtype);
    ASSERT_NE(nullptr, descr);
    EXPECT_EQ(tfcmDTypeSize(dtype), npy::itemSize(descr)) << descr;
  }
  EXPECT_STREQ("<u2", npy::descrForDType(TFCM_DTYPE_BF16));
  EXPECT_EQ(nullptr, npy::descrForDType(0));
}

} // namespace
} // namespace tfc
