//===- BroadcastShapesTest.cpp - unit tests of broadcastShapes ------------===//
//
// broadcastShapes is the one implementation of ONNX/numpy broadcasting that
// every elementwise op, matmul batch dims, attention masks and rope share.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcOps.h"

#include "gtest/gtest.h"

using namespace mlir;
using mlir::tfc::broadcastShapes;

namespace {

/// Broadcasts and expects success; returns the shape as a std::vector so that
/// gtest prints it on failure.
std::vector<int64_t> broadcast(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  FailureOr<SmallVector<int64_t>> result = broadcastShapes(lhs, rhs);
  EXPECT_TRUE(succeeded(result));
  if (failed(result))
    return {};
  return std::vector<int64_t>(result->begin(), result->end());
}

using Shape = std::vector<int64_t>;

TEST(BroadcastShapes, EqualShapes) {
  EXPECT_EQ(broadcast({2, 3}, {2, 3}), (Shape{2, 3}));
}

TEST(BroadcastShapes, AlignsFromTheRight) {
  EXPECT_EQ(broadcast({2, 8}, {8}), (Shape{2, 8}));
  EXPECT_EQ(broadcast({8}, {4, 2, 8}), (Shape{4, 2, 8}));
}

TEST(BroadcastShapes, OneStretchesOnEitherSide) {
  EXPECT_EQ(broadcast({3, 1}, {1, 5}), (Shape{3, 5}));
  EXPECT_EQ(broadcast({1, 5}, {3, 1}), (Shape{3, 5}));
  EXPECT_EQ(broadcast({2, 1, 4}, {3, 1}), (Shape{2, 3, 4}));
}

TEST(BroadcastShapes, ScalarsBroadcastToAnything) {
  EXPECT_EQ(broadcast({}, {}), (Shape{}));
  EXPECT_EQ(broadcast({}, {4, 5}), (Shape{4, 5}));
  EXPECT_EQ(broadcast({4, 5}, {}), (Shape{4, 5}));
}

TEST(BroadcastShapes, ZeroSizedDimensions) {
  // 1 stretches to 0; 0 against 0 is fine; 0 against 3 is not.
  EXPECT_EQ(broadcast({0, 4}, {1, 4}), (Shape{0, 4}));
  EXPECT_EQ(broadcast({1}, {0}), (Shape{0}));
  EXPECT_EQ(broadcast({0}, {0}), (Shape{0}));
  EXPECT_TRUE(failed(broadcastShapes({0}, {3})));
}

TEST(BroadcastShapes, IsSymmetric) {
  const Shape shapes[] = {{}, {1}, {4}, {3, 1}, {1, 4}, {2, 3, 4}, {2, 1, 1}};
  for (const Shape &a : shapes)
    for (const Shape &b : shapes) {
      auto ab = broadcastShapes(a, b);
      auto ba = broadcastShapes(b, a);
      ASSERT_EQ(succeeded(ab), succeeded(ba));
      if (succeeded(ab)) {
        EXPECT_EQ(*ab, *ba);
      }
    }
}

TEST(BroadcastShapes, MismatchFails) {
  EXPECT_TRUE(failed(broadcastShapes({2, 4}, {3})));
  EXPECT_TRUE(failed(broadcastShapes({2, 3}, {3, 2})));
  // Only the innermost pair conflicts.
  EXPECT_TRUE(failed(broadcastShapes({1, 1, 4}, {7, 5})));
}

} // namespace
