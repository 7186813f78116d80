//===- ArtifactLoadFuzzer.cpp - libFuzzer target: bytes -> .tfcm loader ---===//
//
// Feeds arbitrary bytes to the artifact loader (tfc::rt::loadArtifact, what
// tfcArtifactLoadMemory calls after its null checks; used directly so the
// fuzzer builds without the CUDA headers) and, when it accepts them, to the
// describer (`tfc-run --inspect`) and the lookups a session makes. No GPU.
//
// Nearly every mutation breaks the file size or the FNV-1a checksum, which
// the loader checks first; so each input is loaded twice: as given, and with
// the header's fileSize and checksum rewritten to match, which lets the
// mutations reach the section table, the records and the validator.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

void loadAndUse(std::vector<uint8_t> bytes) {
  std::shared_ptr<const tfc::rt::Artifact> artifact;
  tfc::rt::Status status = tfc::rt::loadArtifact(
      std::move(bytes), "/nonexistent/tfc-fuzz-artifact", artifact);
  if (status.failed())
    return;
  (void)tfc::rt::describeArtifact(*artifact);
  for (size_t i = 0; i < artifact->launches.size(); ++i)
    (void)artifact->launchLabel(i);
  for (const tfc::rt::LoadedWeight &weight : artifact->weights)
    if (weight.storage != tfc::rt::WeightStorage::Inline)
      (void)artifact->externalWeightPath(weight);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  loadAndUse(bytes);
  if (size >= TFCM_HEADER_SIZE &&
      std::memcmp(data, TFCM_MAGIC, TFCM_MAGIC_SIZE) == 0) {
    tfcmHeader header;
    std::memcpy(&header, bytes.data(), sizeof(header));
    header.fileSize = size;
    header.checksum =
        tfcmFnv1a64(TFCM_FNV1A64_OFFSET_BASIS, bytes.data() + TFCM_HEADER_SIZE,
                    size - TFCM_HEADER_SIZE);
    std::memcpy(bytes.data(), &header, sizeof(header));
    loadAndUse(std::move(bytes));
  }
  return 0;
}
