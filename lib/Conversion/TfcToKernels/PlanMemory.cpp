//===- PlanMemory.cpp - one arena with liveness-based reuse ---------------===//
//
// Places every memref.alloc of a host launch program into one arena. Each
// buffer is live from its alloc to its last use (uses through views count);
// buffers whose live ranges do not overlap may share bytes. Offsets are
// chosen greedily (largest buffers first, lowest aligned offset that does not
// collide with a placed buffer of overlapping lifetime), which is what the
// runtime's single cuMemAlloc of the arena needs. With `report`, the arena
// is printed against the sum of all intermediates (tfc-compile report=true).
//
//===----------------------------------------------------------------------===//

#include "tfc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_PLANMEMORY
#include "tfc/Conversion/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {
struct Interval {
  memref::AllocOp alloc;
  int64_t bytes;
  unsigned begin, end; // positions in the block, inclusive
  int64_t offset = -1;
};

struct PlanMemoryPass : tfc::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isDeclaration())
      return;
    if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
      func.emitError() << "tfc-plan-memory alignment must be a positive power "
                          "of two, got "
                       << static_cast<int64_t>(alignment);
      return signalPassFailure();
    }
    Block &block = func.getBody().front();
    llvm::DenseMap<Operation *, unsigned> position;
    unsigned index = 0;
    for (Operation &op : block)
      position[&op] = index++;

    SmallVector<Interval> intervals;
    for (Operation &op : block) {
      auto alloc = dyn_cast<memref::AllocOp>(op);
      if (!alloc || alloc->hasAttr(kArenaAttr))
        continue;
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitOpError() << "cannot be planned: needs a static shape and "
                               "the identity layout, got "
                            << type;
        return signalPassFailure();
      }
      int64_t bits = type.getElementTypeBitWidth();
      int64_t bytes = type.getNumElements() * std::max<int64_t>(bits / 8, 1);
      Interval interval{alloc, bytes, position[alloc], position[alloc]};
      // Follow views to their last use.
      SmallVector<Value> worklist{alloc.getResult()};
      while (!worklist.empty()) {
        Value v = worklist.pop_back_val();
        for (OpOperand &use : v.getUses()) {
          Operation *user = block.findAncestorOpInBlock(*use.getOwner());
          if (!user)
            continue;
          interval.end = std::max(interval.end, position[user]);
          if (isa<memref::ReinterpretCastOp, memref::ViewOp,
                  memref::SubViewOp, memref::CastOp>(use.getOwner()))
            for (Value r : use.getOwner()->getResults())
              worklist.push_back(r);
        }
      }
      intervals.push_back(interval);
    }
    if (intervals.empty())
      return;

    // Greedy placement, largest first.
    SmallVector<Interval *> order;
    for (Interval &i : intervals)
      order.push_back(&i);
    llvm::stable_sort(order, [](Interval *a, Interval *b) {
      return a->bytes > b->bytes;
    });
    int64_t arenaBytes = 0, unplannedBytes = 0;
    auto alignUp = [&](int64_t v) {
      return (v + alignment - 1) / alignment * alignment;
    };
    SmallVector<Interval *> placed;
    for (Interval *interval : order) {
      unplannedBytes += alignUp(interval->bytes);
      // Collect the byte ranges of placed buffers that are live at the same
      // time, sorted by offset, and take the first gap that fits.
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (Interval *other : placed)
        if (other->begin <= interval->end && interval->begin <= other->end)
          busy.push_back({other->offset, other->offset + other->bytes});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy) {
        if (offset + interval->bytes <= lo)
          break;
        offset = std::max(offset, alignUp(hi));
      }
      interval->offset = offset;
      arenaBytes = std::max(arenaBytes, alignUp(offset + interval->bytes));
      placed.push_back(interval);
    }

    OpBuilder builder(&block, block.begin());
    Location loc = func.getLoc();
    auto arenaType = MemRefType::get({arenaBytes}, builder.getI8Type());
    auto arena = memref::AllocOp::create(builder, loc, arenaType);
    arena->setAttr(kArenaAttr, builder.getUnitAttr());
    for (Interval &interval : intervals) {
      builder.setInsertionPoint(interval.alloc);
      Value offset = arith::ConstantIndexOp::create(builder, interval.alloc.getLoc(),
                                                    interval.offset);
      auto view = memref::ViewOp::create(builder, interval.alloc.getLoc(),
                                         interval.alloc.getType(), arena,
                                         offset, ValueRange{});
      interval.alloc.replaceAllUsesWith(view.getResult());
      interval.alloc.erase();
    }
    func->setAttr("tfc.arena_bytes", builder.getI64IntegerAttr(arenaBytes));
    func->setAttr("tfc.unplanned_bytes",
                  builder.getI64IntegerAttr(unplannedBytes));
    if (report)
      llvm::errs() << "tfc-plan-memory: @" << func.getSymName() << ": "
                   << intervals.size() << " buffers, intermediates "
                   << unplannedBytes << " bytes -> arena " << arenaBytes
                   << " bytes ("
                   << llvm::format("%.1f", 100.0 * arenaBytes /
                                               std::max<int64_t>(
                                                   unplannedBytes, 1))
                   << "%)\n";
  }
};
} // namespace
