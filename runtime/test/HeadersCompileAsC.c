/*===- HeadersCompileAsC.c - The public C headers compile as C ------------===*
 *
 * Compiled by the C compiler so that a C++-only construct in
 * artifact_format.h or tfc_runtime.h breaks the build.
 *
 *===----------------------------------------------------------------------===*/
#include "tfc/artifact_format.h"
#include "tfc/tfc_runtime.h"

int tfcTestHeadersCompileAsC(void) {
  tfcmHeader header = {
      {'T', 'F', 'C', 'M'}, TFCM_FORMAT_VERSION, 0, 0, TFCM_SECTION_COUNT, 0};
  tfcSessionOptions options = {0, TFC_SESSION_NO_GRAPH, 0, 0, 0, 0};
  tfcWeightInfo weight = {{0, 0, 0, 0, 0}, TFCM_WEIGHT_SAFETENSORS, 0, "", "", 0};
  return (int)tfcmDTypeSize(TFCM_DTYPE_BF16) + (int)header.sectionCount +
         (int)options.flags + (tfcStatusName(TFC_OK) != 0) +
         (int)weight.storage;
}
