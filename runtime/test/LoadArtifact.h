//===- LoadArtifact.h - Load serialized artifact bytes in tests -*- C++ -*-===//
//
// The one helper the tests of the internal reader share: load an artifact
// from the bytes an ArtifactWriter produced (or a test corrupted), with
// external weight files resolved in `baseDir`. Tests that link only the
// public C API use tfcArtifactLoadMemory instead.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_TEST_LOADARTIFACT_H
#define TFC_RUNTIME_TEST_LOADARTIFACT_H

#include "Artifact.h"

#include <memory>
#include <string>
#include <vector>

namespace tfc {
namespace test {

inline rt::Status loadBytes(const std::string &bytes,
                            const std::string &baseDir,
                            std::shared_ptr<const rt::Artifact> &artifact) {
  return rt::loadArtifact(std::vector<uint8_t>(bytes.begin(), bytes.end()),
                          baseDir, artifact);
}

} // namespace test
} // namespace tfc

#endif // TFC_RUNTIME_TEST_LOADARTIFACT_H
