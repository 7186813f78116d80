
func.func @parameter_empty_name() -> tensor<4xf32> {
  %0 = tfc.parameter "" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

tfc.reduce