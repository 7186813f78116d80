// Errors of the executor and the tool: each is a clear message (at the op's
// location where there is one) and a non-zero exit, never a crash.

// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.ones((2, 3), np.float32)); np.save('%t/x64.npy', np.ones((2, 3))); np.save('%t/x32.npy', np.ones((3, 2), np.float32)); np.save('%t/xf.npy', np.asfortranarray(np.ones((2, 3), np.float32))); np.save('%t/ids.npy', np.array([0, 4], np.int64)); np.save('%t/zero.npy', np.array([1, 0], np.int64)); open('%t/junk.npy', 'w').write('junk')"

// RUN: not tfc-reference %s --entry unsupported --output-dir %t --input x=%t/x.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOKERNEL
// NOKERNEL: errors.mlir:[[@LINE+3]]:8: error: the reference executor has no kernel for 'arith.addf'
func.func @unsupported(%x: tensor<2x3xf32> {tfc.name = "x"}) -> tensor<2x3xf32> {
  %0 = tfc.exp %x : tensor<2x3xf32>
  %1 = arith.addf %0, %x : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// RUN: not tfc-reference %s --entry external --output-dir %t --input x=%t/x.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=EXTERNAL
// EXTERNAL: errors.mlir:[[@LINE+2]]:8: error: parameter 'wte.weight' is external (it has no value); the reference executor cannot bind external weights yet
func.func @external(%x: tensor<2x3xf32> {tfc.name = "x"}) -> tensor<2x3xf32> {
  %w = tfc.parameter "wte.weight" : tensor<2x3xf32>
  %0 = tfc.add %x, %w : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// RUN: not tfc-reference %s --entry missing_blob --output-dir %t --input x=%t/x.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BLOB
// BLOB: errors.mlir:[[@LINE+2]]:8: error: cannot read parameter 'w': dense_resource blob 'nowhere' has no data
func.func @missing_blob(%x: tensor<2x3xf32> {tfc.name = "x"}) -> tensor<2x3xf32> {
  %w = tfc.parameter "w" = dense_resource<nowhere> : tensor<2x3xf32> : tensor<2x3xf32>
  %0 = tfc.add %x, %w : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// RUN: not tfc-reference %s --entry gather --output-dir %t --input ids=%t/ids.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=GATHER
// GATHER: errors.mlir:[[@LINE+3]]:8: error: index 4 at position 1 of the indices is out of range for dimension 0 of size 4 (expected -4 <= index < 4)
func.func @gather(%ids: tensor<2xi64> {tfc.name = "ids"}) -> tensor<2x3xf32> {
  %e = tfc.constant dense<1.0> : tensor<4x3xf32>
  %0 = tfc.gather %e, %ids {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// RUN: not tfc-reference %s --entry divzero --output-dir %t --input d=%t/zero.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DIVZERO
// DIVZERO: errors.mlir:[[@LINE+3]]:8: error: integer division by zero at result element 1
func.func @divzero(%d: tensor<2xi64> {tfc.name = "d"}) -> tensor<2xi64> {
  %n = tfc.constant dense<7> : tensor<2xi64>
  %0 = tfc.div %n, %d : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// RUN: not tfc-reference %s --entry dynamic --output-dir %t --random-inputs 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: error: input 'arg0' has type tensor<?x3xf32>, which the reference executor cannot take
func.func @dynamic(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}

// RUN: not tfc-reference %s --entry unsupported --output-dir %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING
// MISSING: error: missing input 'x' of type tensor<2x3xf32> (give --input x=FILE.npy or --random-inputs)

// RUN: not tfc-reference %s --entry unsupported --output-dir %t --input x=%t/x64.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: input 'x' from '{{.*}}x64.npy': dtype '<f8' does not match tensor<2x3xf32> (expected '<f4')

// RUN: not tfc-reference %s --entry unsupported --output-dir %t --input x=%t/x32.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: input 'x' from '{{.*}}x32.npy': shape [3,2] does not match tensor<2x3xf32> (expected [2,3])

// RUN: not tfc-reference %s --entry unsupported --output-dir %t --input x=%t/xf.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=FORTRAN
// FORTRAN: error: input 'x': '{{.*}}xf.npy' is not a valid .npy file: Fortran-order arrays are not supported

// RUN: not tfc-reference %s --entry unsupported --output-dir %t --input x=%t/junk.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=JUNK
// JUNK: error: input 'x': '{{.*}}junk.npy' is not a valid .npy file: missing the \x93NUMPY magic

// RUN: not tfc-reference %s --entry unsupported --output-dir %t --input x=%t/nofile.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: input 'x': cannot read '{{.*}}nofile.npy'

// RUN: not tfc-reference %s --entry unsupported --output-dir %t --input x=%t/x.npy \
// RUN:   --input y=%t/x.npy 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: the function has no input named 'y' (its inputs: x)

// RUN: not tfc-reference %s --output-dir %t --random-inputs 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SEVERAL
// SEVERAL: error: the module has several functions (unsupported, external, missing_blob, gather, divzero, dynamic); choose one with --entry

// RUN: not tfc-reference %s --entry nothere --output-dir %t 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOENTRY
// NOENTRY: error: no function named 'nothere' in the module

// RUN: not tfc-reference %s --entry gather 2>&1 | FileCheck %s --check-prefix=NODIR
// NODIR: error: --output-dir is required
