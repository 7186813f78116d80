//===- TestPasses.h - test passes of the conversion libraries ---*- C++ -*-===//
//
// Registration of passes that exist only to test a library in isolation
// (e.g. the kernel families without the host-side lowering).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_CONVERSION_TESTPASSES_H
#define TFC_CONVERSION_TESTPASSES_H

namespace mlir::tfc {

/// Registers `tfc-test-emit-fusion-kernels` (lib/Conversion/FusionKernels).
void registerTestFusionKernelsPass();

} // namespace mlir::tfc

#endif // TFC_CONVERSION_TESTPASSES_H
