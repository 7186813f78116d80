//===- StridedViewTest.cpp - operands read in place as strided views ------===//
//
// getStridedView and isCopyableView (tfc/Analysis/KernelFamilyRules.h): the
// offset and strides an operand has over a kernel argument when ops between
// them only rename elements, the ops that cannot be looked through, and
// which views the 16-byte copies of the flash attention can read. The fuse
// rules, the cost model and the codegen all take these answers as given.
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/KernelFamilyRules.h"
#include "tfc/Dialect/TfcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::tfc;

namespace {

class StridedViewTest : public ::testing::Test {
protected:
  StridedViewTest() {
    context.loadDialect<TfcDialect, func::FuncDialect>();
  }

  /// The value `func.return` returns in the one function of `body`.
  Value parseReturned(StringRef body) {
    module = parseSourceString<ModuleOp>("module {\n" + body.str() + "\n}\n",
                                         &context);
    EXPECT_TRUE(module);
    if (!module)
      return {};
    auto func = *module->getOps<func::FuncOp>().begin();
    return cast<func::ReturnOp>(func.getBody().front().getTerminator())
        .getOperand(0);
  }

  /// The view of `value` over the function's arguments, and the ops walked.
  FailureOr<StridedView> viewOf(Value value,
                                SmallVectorImpl<Operation *> *path = nullptr) {
    return getStridedView(
        value, [](Value v) { return isa<BlockArgument>(v); }, path);
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(StridedViewTest, PackedQkvHeadSplit) {
  // GPT-2's key: the second third of [B, S, 3 * H * D], heads split out.
  Value k = parseReturned(R"mlir(
func.func @f(%qkv: tensor<2x20x96xbf16>) -> tensor<2x2x20x16xbf16> {
  %s:3 = tfc.split %qkv {axis = 2 : i64, sizes = array<i64: 32, 32, 32>} : (tensor<2x20x96xbf16>) -> (tensor<2x20x32xbf16>, tensor<2x20x32xbf16>, tensor<2x20x32xbf16>)
  %r = tfc.reshape %s#1 : tensor<2x20x32xbf16> to tensor<2x20x2x16xbf16>
  %t = tfc.transpose %r {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x20x2x16xbf16>) -> tensor<2x2x20x16xbf16>
  return %t : tensor<2x2x20x16xbf16>
})mlir");
  SmallVector<Operation *> path;
  FailureOr<StridedView> view = viewOf(k, &path);
  ASSERT_TRUE(succeeded(view));
  EXPECT_TRUE(isa<BlockArgument>(view->source));
  EXPECT_EQ(view->offset, 32);
  EXPECT_EQ(view->shape, (SmallVector<int64_t>{2, 2, 20, 16}));
  EXPECT_EQ(view->strides, (SmallVector<int64_t>{1920, 16, 96, 1}));
  EXPECT_EQ(path.size(), 3u); // transpose, reshape, split
  auto bf16 = BFloat16Type::get(&context);
  EXPECT_TRUE(isCopyableView(*view, bf16));
}

TEST_F(StridedViewTest, ReshapeWithUnitDimensions) {
  // Unit dimensions anywhere get the row-major stride over the next one.
  Value v = parseReturned(R"mlir(
func.func @f(%x: tensor<4x6xf32>) -> tensor<1x4x1x2x3xf32> {
  %r = tfc.reshape %x : tensor<4x6xf32> to tensor<1x4x1x2x3xf32>
  return %r : tensor<1x4x1x2x3xf32>
})mlir");
  FailureOr<StridedView> view = viewOf(v);
  ASSERT_TRUE(succeeded(view));
  EXPECT_EQ(view->offset, 0);
  EXPECT_EQ(view->strides, (SmallVector<int64_t>{24, 6, 6, 3, 1}));
}

TEST_F(StridedViewTest, MergingReshapeIsNotAView) {
  // Merging dimensions is refused even where they happen to be contiguous.
  Value v = parseReturned(R"mlir(
func.func @f(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %r = tfc.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
  return %r : tensor<6x4xf32>
})mlir");
  EXPECT_TRUE(failed(viewOf(v)));
}

TEST_F(StridedViewTest, SliceWithSteps) {
  Value v = parseReturned(R"mlir(
func.func @f(%x: tensor<8x64xbf16>) -> tensor<3x16xbf16> {
  %s = tfc.slice %x {offsets = array<i64: 1, 16>, sizes = array<i64: 3, 16>, strides = array<i64: 2, 1>} : (tensor<8x64xbf16>) -> tensor<3x16xbf16>
  return %s : tensor<3x16xbf16>
})mlir");
  FailureOr<StridedView> view = viewOf(v);
  ASSERT_TRUE(succeeded(view));
  EXPECT_EQ(view->offset, 1 * 64 + 16);
  EXPECT_EQ(view->strides, (SmallVector<int64_t>{128, 1}));
  EXPECT_EQ(view->shape, (SmallVector<int64_t>{3, 16}));
  // 80 elements of bf16 = 160 bytes: a whole number of 16-byte chunks.
  EXPECT_TRUE(isCopyableView(*view, BFloat16Type::get(&context)));
}

TEST_F(StridedViewTest, ComputeStopsTheWalk) {
  Value v = parseReturned(R"mlir(
func.func @f(%x: tensor<4x16xf32>) -> tensor<16x4xf32> {
  %e = tfc.exp %x : tensor<4x16xf32>
  %t = tfc.transpose %e {permutation = array<i64: 1, 0>} : (tensor<4x16xf32>) -> tensor<16x4xf32>
  return %t : tensor<16x4xf32>
})mlir");
  EXPECT_TRUE(failed(viewOf(v)));
}

TEST_F(StridedViewTest, ZeroSizeIsNotAView) {
  // A reshape of an empty tensor has no strides to speak of (the walk must
  // not divide by the zero-size dimension).
  Value v = parseReturned(R"mlir(
func.func @f(%y: tensor<256x0xbf16>) -> tensor<0x2x4x16xbf16> {
  %t = tfc.transpose %y {permutation = array<i64: 1, 0>} : (tensor<256x0xbf16>) -> tensor<0x256xbf16>
  %r = tfc.reshape %t : tensor<0x256xbf16> to tensor<0x2x4x16xbf16>
  return %r : tensor<0x2x4x16xbf16>
})mlir");
  EXPECT_TRUE(failed(viewOf(v)));
}

TEST_F(StridedViewTest, CopyableViewsKeepRowsWholeAndAligned) {
  auto bf16 = BFloat16Type::get(&context);
  StridedView rows;
  rows.shape = {4, 64};
  rows.strides = {96, 1};
  EXPECT_TRUE(isCopyableView(rows, bf16));
  // Rows that start off a 16-byte boundary (offset of 4 bf16 = 8 bytes).
  StridedView shifted = rows;
  shifted.offset = 4;
  EXPECT_FALSE(isCopyableView(shifted, bf16));
  // A row stride of 100 bf16 (200 bytes) misaligns every other row.
  StridedView oddStride = rows;
  oddStride.strides = {100, 1};
  EXPECT_FALSE(isCopyableView(oddStride, bf16));
  // Elements of a row that are not adjacent (a transpose of the last axis).
  StridedView columns = rows;
  columns.strides = {1, 96};
  EXPECT_FALSE(isCopyableView(columns, bf16));
}

} // namespace
