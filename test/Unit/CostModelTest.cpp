//===- CostModelTest.cpp - unit tests of the kernel cost model ------------===//
//
// Bytes, FLOPs and predicted times of single ops, fusions and candidate
// groups (CostModel.h), on a made-up target with round numbers (1 TB/s,
// 1 TFLOP/s in f32, 100 TFLOP/s in bf16) so every expectation is exact.
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/CostModel.h"
#include "tfc/Dialect/TfcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::tfc;

namespace {

constexpr const char *kTarget =
    "module attributes {tfc.target = #tfc.target<arch = \"sm_90a\", "
    "sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, "
    "regs_per_sm = 65536, l2_bytes = 52428800, "
    "hbm_bytes_per_second = 1000000000000, peak_flops_f32 = 1000000000000, "
    "peak_flops_f16 = 100000000000000, peak_flops_bf16 = 100000000000000, "
    "peak_flops_fp8 = 0>} {\n";

class CostModelTest : public ::testing::Test {
protected:
  CostModelTest() {
    context.loadDialect<TfcDialect, func::FuncDialect>();
    context.getDiagEngine().registerHandler([this](Diagnostic &diag) {
      diagnostics.push_back(diag.str());
      return success();
    });
  }

  /// Parses `body` (one function) inside a module with the test target.
  func::FuncOp parse(StringRef body, bool withTarget = true) {
    std::string text = withTarget ? kTarget : "module {\n";
    text += body.str() + "\n}\n";
    module = parseSourceString<ModuleOp>(text, &context);
    EXPECT_TRUE(module) << (diagnostics.empty() ? "" : diagnostics.back());
    return module ? *module->getOps<func::FuncOp>().begin() : func::FuncOp();
  }

  /// The op of `name` in `func`, the first one when there are several.
  Operation *find(func::FuncOp func, StringRef name) {
    Operation *found = nullptr;
    func.walk([&](Operation *op) {
      if (!found && op->getName().getStringRef() == name)
        found = op;
    });
    EXPECT_TRUE(found) << name.str();
    return found;
  }

  CostModel model(func::FuncOp func) {
    FailureOr<CostModel> m = CostModel::forOperation(func);
    EXPECT_TRUE(succeeded(m));
    return *m;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::vector<std::string> diagnostics;
};

TEST_F(CostModelTest, TensorBytes) {
  Builder b(&context);
  EXPECT_EQ(getTensorBytes(RankedTensorType::get({4, 8}, b.getF32Type())), 128);
  EXPECT_EQ(getTensorBytes(RankedTensorType::get({4, 8}, b.getBF16Type())), 64);
  // i1 takes a byte per element in memory.
  EXPECT_EQ(getTensorBytes(RankedTensorType::get({4, 8}, b.getI1Type())), 32);
}

TEST_F(CostModelTest, BroadcastAddIsMemoryBound) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<32x128xf32>, %b: tensor<128xf32>) -> tensor<32x128xf32> {
      %0 = tfc.add %x, %b : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
      return %0 : tensor<32x128xf32>
    })mlir");
  CostModel m = model(func);
  KernelCost cost = m.getCost(find(func, "tfc.add"));
  EXPECT_EQ(cost.hbmBytes, 16384 + 512 + 16384);
  EXPECT_DOUBLE_EQ(cost.vectorFlops, 4096);
  EXPECT_DOUBLE_EQ(cost.matrixFlops, 0);
  EXPECT_DOUBLE_EQ(m.getPredictedSeconds(cost), 33280 / 1e12);
}

TEST_F(CostModelTest, MatmulUsesThePeakOfItsType) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%a: tensor<64x256xbf16>, %b: tensor<256x128xbf16>,
                 %c: tensor<64x256xf32>, %d: tensor<256x128xf32>)
        -> (tensor<64x128xbf16>, tensor<64x128xf32>) {
      %0 = tfc.matmul %a, %b : (tensor<64x256xbf16>, tensor<256x128xbf16>) -> tensor<64x128xbf16>
      %1 = tfc.matmul %c, %d : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
      return %0, %1 : tensor<64x128xbf16>, tensor<64x128xf32>
    })mlir");
  CostModel m = model(func);
  SmallVector<Operation *> matmuls;
  func.walk([&](MatmulOp op) { matmuls.push_back(op); });
  ASSERT_EQ(matmuls.size(), 2u);
  KernelCost bf16 = m.getCost(matmuls[0]);
  EXPECT_EQ(bf16.hbmBytes, 64 * 256 * 2 + 256 * 128 * 2 + 64 * 128 * 2);
  EXPECT_DOUBLE_EQ(bf16.matrixFlops, 2.0 * 64 * 128 * 256);
  EXPECT_TRUE(bf16.matrixType.isBF16());
  // bf16 tensor cores: memory-bound.
  EXPECT_DOUBLE_EQ(m.getPredictedSeconds(bf16), 114688 / 1e12);
  // f32: compute-bound at the f32 peak.
  KernelCost f32 = m.getCost(matmuls[1]);
  EXPECT_DOUBLE_EQ(m.getPredictedSeconds(f32), 2.0 * 64 * 128 * 256 / 1e12);
}

TEST_F(CostModelTest, FusionCountsInputsOnceAndSplatsAsFree) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<32x128xf32>) -> tensor<32x128xf32> {
      %c = tfc.constant dense<2.0> : tensor<f32>
      %0 = tfc.fusion "pointwise" (%x, %c) : (tensor<32x128xf32>, tensor<f32>) -> tensor<32x128xf32> {
      ^bb0(%a: tensor<32x128xf32>, %s: tensor<f32>):
        %1 = tfc.mul %a, %s : (tensor<32x128xf32>, tensor<f32>) -> tensor<32x128xf32>
        %2 = tfc.add %1, %a : (tensor<32x128xf32>, tensor<32x128xf32>) -> tensor<32x128xf32>
        tfc.yield %2 : tensor<32x128xf32>
      }
      return %0 : tensor<32x128xf32>
    })mlir");
  CostModel m = model(func);
  KernelCost cost = m.getCost(find(func, "tfc.fusion"));
  EXPECT_EQ(cost.hbmBytes, 2 * 16384); // x once, the result once
  EXPECT_DOUBLE_EQ(cost.vectorFlops, 2 * 4096);
}

TEST_F(CostModelTest, SharedValuesAreEvaluatedOncePerElement) {
  // exp feeds two readers at the same element: computed once per element.
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<1024xf32>) -> tensor<1024xf32> {
      %0 = tfc.fusion "pointwise" (%x) : (tensor<1024xf32>) -> tensor<1024xf32> {
      ^bb0(%a: tensor<1024xf32>):
        %1 = tfc.exp %a : tensor<1024xf32>
        %2 = tfc.mul %1, %1 : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
        tfc.yield %2 : tensor<1024xf32>
      }
      return %0 : tensor<1024xf32>
    })mlir");
  CostModel m = model(func);
  KernelCost cost = m.getCost(find(func, "tfc.fusion"));
  EXPECT_DOUBLE_EQ(cost.vectorFlops, 1024 * 8 + 1024);
}

TEST_F(CostModelTest, BroadcastOperandsAreRecomputedPerElement) {
  // exp of a 128-vector broadcast over 32 rows runs 32 * 128 times.
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<32x128xf32>, %b: tensor<128xf32>) -> tensor<32x128xf32> {
      %0 = tfc.fusion "pointwise" (%x, %b) : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32> {
      ^bb0(%a: tensor<32x128xf32>, %c: tensor<128xf32>):
        %1 = tfc.exp %c : tensor<128xf32>
        %2 = tfc.add %a, %1 : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
        tfc.yield %2 : tensor<32x128xf32>
      }
      return %0 : tensor<32x128xf32>
    })mlir");
  CostModel m = model(func);
  KernelCost cost = m.getCost(find(func, "tfc.fusion"));
  EXPECT_DOUBLE_EQ(cost.vectorFlops, 4096 * 8 + 4096);
}

TEST_F(CostModelTest, PrologueRecomputedAsOftenAsTheAnchorReads) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<64x512xf32>, %w: tensor<512x256xf32>, %y: tensor<8x64xf32>)
        -> (tensor<64x256xf32>, tensor<8x64xf32>) {
      %0 = tfc.fusion "matmul" (%x, %w) : (tensor<64x512xf32>, tensor<512x256xf32>) -> tensor<64x256xf32> {
      ^bb0(%a: tensor<64x512xf32>, %b: tensor<512x256xf32>):
        %1 = tfc.tanh %a : tensor<64x512xf32>
        %2 = tfc.matmul %1, %b : (tensor<64x512xf32>, tensor<512x256xf32>) -> tensor<64x256xf32>
        tfc.yield %2 : tensor<64x256xf32>
      }
      %3 = tfc.fusion "softmax" (%y) : (tensor<8x64xf32>) -> tensor<8x64xf32> {
      ^bb0(%a: tensor<8x64xf32>):
        %4 = tfc.neg %a : tensor<8x64xf32>
        %5 = tfc.softmax %4 {axis = 1 : i64} : tensor<8x64xf32>
        tfc.yield %5 : tensor<8x64xf32>
      }
      return %0, %3 : tensor<64x256xf32>, tensor<8x64xf32>
    })mlir");
  CostModel m = model(func);
  SmallVector<Operation *> fusions;
  func.walk([&](FusionOp op) { fusions.push_back(op); });
  ASSERT_EQ(fusions.size(), 2u);
  // Every output element of the matmul reads K = 512 elements of the lhs.
  KernelCost matmul = m.getCost(fusions[0]);
  EXPECT_DOUBLE_EQ(matmul.vectorFlops, 8.0 * 64 * 256 * 512);
  EXPECT_DOUBLE_EQ(matmul.matrixFlops, 2.0 * 64 * 256 * 512);
  EXPECT_DOUBLE_EQ(getOperandReads(find(func, "tfc.matmul"), 0),
                   64.0 * 256 * 512);
  // Softmax reads its row three times (max, sum, normalise); 15 FLOPs per
  // element of its own.
  KernelCost softmax = m.getCost(fusions[1]);
  EXPECT_DOUBLE_EQ(softmax.vectorFlops, 3 * 512 + 15 * 512);
}

TEST_F(CostModelTest, GatherAndSplitReadOnlyWhatTheyUse) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%table: tensor<50000x64xf32>, %ids: tensor<1x8xi64>, %x: tensor<4x96xf32>)
        -> (tensor<1x8x64xf32>, tensor<4x32xf32>) {
      %0 = tfc.gather %table, %ids {axis = 0 : i64} : (tensor<50000x64xf32>, tensor<1x8xi64>) -> tensor<1x8x64xf32>
      %1 = tfc.fusion "pointwise" (%x) : (tensor<4x96xf32>) -> tensor<4x32xf32> {
      ^bb0(%a: tensor<4x96xf32>):
        %2:3 = tfc.split %a {axis = 1 : i64, sizes = array<i64: 32, 32, 32>}
            : (tensor<4x96xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>)
        %3 = tfc.exp %2#1 : tensor<4x32xf32>
        tfc.yield %3 : tensor<4x32xf32>
      }
      return %0, %1 : tensor<1x8x64xf32>, tensor<4x32xf32>
    })mlir");
  CostModel m = model(func);
  // 8 rows of the table, the ids, the result.
  EXPECT_EQ(m.getCost(find(func, "tfc.gather")).hbmBytes,
            8 * 64 * 4 + 8 * 8 + 8 * 64 * 4);
  // One third of x, the result.
  EXPECT_EQ(m.getCost(find(func, "tfc.fusion")).hbmBytes, 512 + 512);
}

TEST_F(CostModelTest, CandidateGroupPricesOnlyWhatLeavesIt) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<32x128xf32>) -> (tensor<32x128xf32>, tensor<32x128xf32>) {
      %0 = tfc.exp %x : tensor<32x128xf32>
      %1 = tfc.neg %0 : tensor<32x128xf32>
      %2 = tfc.abs %1 : tensor<32x128xf32>
      return %0, %2 : tensor<32x128xf32>, tensor<32x128xf32>
    })mlir");
  CostModel m = model(func);
  Operation *exp = find(func, "tfc.exp");
  Operation *neg = find(func, "tfc.neg");
  Operation *abs = find(func, "tfc.abs");
  // exp is returned: an output. neg only feeds abs: internal.
  KernelGroup group({exp, neg, abs});
  EXPECT_EQ(group.getOutputs().size(), 2u);
  EXPECT_EQ(m.getCost(group).hbmBytes, 3 * 16384);
  EXPECT_EQ(group.classify().family, KernelShape::Family::Pointwise);
}

TEST_F(CostModelTest, ClassifyProloguesAndEpilogues) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64xf32>)
        -> (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>) {
      %0 = tfc.exp %x : tensor<32x64xf32>
      %1 = tfc.matmul %0, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
      %2 = tfc.add %1, %b : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
      %3 = tfc.transpose %2 {permutation = array<i64: 1, 0>} : (tensor<32x64xf32>) -> tensor<64x32xf32>
      return %2, %3, %0 : tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>
    })mlir");
  Operation *exp = find(func, "tfc.exp");
  Operation *matmul = find(func, "tfc.matmul");
  Operation *add = find(func, "tfc.add");
  Operation *transpose = find(func, "tfc.transpose");
  // exp is also returned: a matmul kernel cannot write it.
  KernelShape prologue = KernelGroup({exp, matmul}).classify();
  EXPECT_FALSE(prologue.isEmittable());
  EXPECT_NE(prologue.reason.find("also needed outside"), std::string::npos)
      << prologue.reason;
  // Only the matmul's operands computed inside: fine.
  KernelShape alone = KernelGroup({exp, matmul}, [&](Value v) {
                        return v == matmul->getResult(0);
                      }).classify();
  EXPECT_EQ(alone.family, KernelShape::Family::Anchored);
  EXPECT_EQ(alone.anchor, matmul);
  EXPECT_EQ(alone.getKindName(), "matmul");
  // A bias add after it is an epilogue, unless epilogues are off.
  EXPECT_TRUE(KernelGroup({matmul, add}).classify().isEmittable());
  KernelShape off =
      KernelGroup({matmul, add}).classify(/*allowEpilogues=*/false);
  EXPECT_FALSE(off.isEmittable());
  EXPECT_NE(off.reason.find("no epilogue"), std::string::npos) << off.reason;
  // No index mapping in an epilogue.
  KernelShape mapped = KernelGroup({matmul, add, transpose}).classify();
  EXPECT_FALSE(mapped.isEmittable());
  EXPECT_NE(mapped.reason.find("index mapping"), std::string::npos)
      << mapped.reason;
}

TEST_F(CostModelTest, TimesComeFromTheTarget) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<1024xf32>) -> tensor<1024xf32> {
      %0 = tfc.exp %x : tensor<1024xf32>
      return %0 : tensor<1024xf32>
    })mlir");
  Operation *exp = find(func, "tfc.exp");
  KernelCost cost = model(func).getCost(exp);
  TargetAttr h100 = TargetAttr::getPreset(&context, "sm_90a");
  TargetAttr a100 = TargetAttr::getPreset(&context, "sm_80");
  EXPECT_DOUBLE_EQ(CostModel(h100).getPredictedSeconds(cost),
                   8192.0 / h100.getHbmBytesPerSecond());
  EXPECT_DOUBLE_EQ(CostModel(a100).getPredictedSeconds(cost),
                   8192.0 / a100.getHbmBytesPerSecond());
}

TEST_F(CostModelTest, MissingTargetIsAnError) {
  func::FuncOp func = parse(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      return %x : tensor<4xf32>
    })mlir",
                            /*withTarget=*/false);
  EXPECT_TRUE(failed(CostModel::forOperation(func)));
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_EQ(diagnostics.back(), "module has no 'tfc.target' attribute; run "
                                "tfc-set-target first");
}

} // namespace
