//===- TfcBase.td - tfc dialect, enums and attributes ------*- tablegen -*-===//
//
// The tfc dialect declaration, the enums its ops use, and the #tfc.target
// attribute that carries everything the passes need to know about a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_BASE_TD
#define TFC_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinTypes.td"
include "mlir/IR/BuiltinAttributes.td"

def Tfc_Dialect : Dialect {
  let name = "tfc";
  let cppNamespace = "::mlir::tfc";
  let summary = "Tensor-level ops of transformer graphs";
  let description = [{
    The tfc dialect holds transformer graphs at tensor level with value
    semantics: the semantic ops the graph passes reason about (matmul,
    softmax, norms, attention, rope, activations), broadcasting elementwise
    arithmetic, reductions, structural ops, weights, and the `tfc.fusion`
    region op whose body becomes one GPU kernel.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Tfc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tfc_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tfc_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "comparison predicate", [
      I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
      I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
      I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::mlir::tfc";
}

def Tfc_ReduceKind : I32EnumAttr<"ReduceKind", "reduction kind", [
      I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
      I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>,
      I32EnumAttrCase<"prod", 4>]> {
  let cppNamespace = "::mlir::tfc";
}

def Tfc_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU approximation", [
      I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"tanh", 1>]> {
  let cppNamespace = "::mlir::tfc";
}

//===----------------------------------------------------------------------===//
// Target attribute
//===----------------------------------------------------------------------===//

def Tfc_TargetAttr : AttrDef<Tfc_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "What the passes need to know about the GPU";
  let description = [{
    Describes one GPU for the tiling pass and the cost model: the PTX arch,
    the number of SMs, shared memory per block and per SM (bytes), 32-bit
    registers per SM, L2 size (bytes), peak HBM bandwidth (bytes/s) and peak
    dense FLOP/s per data type (integers; 0 where the type is not supported). Nothing
    in tfc hard-codes these numbers: presets exist for `sm_80` (A100 SXM 80GB),
    `sm_90a` (H100 SXM) and `sm_90a-h200` (H200 SXM), and every field can be
    overridden with `tfc-set-target`.

    Example:
    ```mlir
    module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132,
        smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536,
        l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000,
        peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000,
        peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {}
    ```
  }];
  let parameters = (ins
    StringRefParameter<"PTX target architecture, e.g. sm_90a">:$arch,
    "int64_t":$sm_count,
    "int64_t":$smem_per_block,
    "int64_t":$smem_per_sm,
    "int64_t":$regs_per_sm,
    "int64_t":$l2_bytes,
    "int64_t":$hbm_bytes_per_second,
    "int64_t":$peak_flops_f32,
    "int64_t":$peak_flops_f16,
    "int64_t":$peak_flops_bf16,
    "int64_t":$peak_flops_fp8
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Returns the preset named `name` (sm_80, sm_90a, sm_90a-h200), or a null
    /// attribute when there is no such preset.
    static TargetAttr getPreset(::mlir::MLIRContext *context,
                                ::llvm::StringRef name);
    /// Names of all presets, for help texts and diagnostics.
    static ::llvm::ArrayRef<::llvm::StringRef> getPresetNames();
    /// Returns a copy with `field` set to `value` (parsed from text), or a
    /// failure with a message naming the field and the expected form.
    ::mlir::FailureOr<TargetAttr> withOverride(::llvm::StringRef field,
                                               ::llvm::StringRef value,
                                               std::string &error) const;
    /// Applies several field=value overrides at once and verifies the result
    /// once, so their order does not matter.
    ::mlir::FailureOr<TargetAttr> withOverrides(
        ::llvm::ArrayRef<std::pair<::llvm::StringRef, ::llvm::StringRef>>
            fields,
        std::string &error) const;
    /// Peak dense FLOP/s for an element type (0 when unknown).
    double getPeakFlops(::mlir::Type elementType) const;
    /// Name of the module attribute that holds the target.
    static constexpr ::llvm::StringLiteral getModuleAttrName() {
      return ::llvm::StringLiteral("tfc.target");
    }
  }];
}

#endif // TFC_BASE_TD
