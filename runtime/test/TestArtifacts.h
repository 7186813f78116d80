//===- TestArtifacts.h - Artifacts and files shared by the tests -*- C++
//-*-===//
//
// A representative artifact (two modules with cubin and PTX images, inline,
// external and safetensors weights, every argument kind, a memcpy launch),
// the weight files it needs, a safetensors writer, and small helpers to
// patch serialized bytes and to make temporary folders.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_TEST_TESTARTIFACTS_H
#define TFC_RUNTIME_TEST_TESTARTIFACTS_H

#include "tfc/ArtifactWriter.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tfc {
namespace test {

using namespace tfc::artifact;

/// Bytes that pass as a cubin: the ELF magic followed by filler.
inline std::string fakeCubin(size_t size) {
  std::string bytes = "\x7f"
                      "ELF";
  while (bytes.size() < size)
    bytes += static_cast<char>(bytes.size() * 7);
  return bytes;
}

inline const char *externalWeightsFile() { return "weights.bin"; }
/// Where the external weight 'emb' (bf16[2, 4], 16 bytes) starts in its file.
constexpr uint64_t externalWeightOffset = 64;
constexpr uint64_t externalWeightsFileSize = 80;
/// The safetensors file of weight 3 'pos' (f32[2, 2], tensor 'pos_table').
inline const char *safetensorsWeightsFile() { return "weights.safetensors"; }

/// One tensor of a safetensors file made by the tests.
struct SafetensorsEntry {
  std::string name;
  std::string dtype; ///< "F32", "BF16", ...
  std::vector<int64_t> shape;
  std::string data;
};

/// Escapes a name for a JSON string (quotes, backslashes, control bytes).
inline std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// The JSON header of a safetensors file holding `tensors` in order.
inline std::string safetensorsHeader(const std::vector<SafetensorsEntry> &tensors,
                                     const std::string &metadata = "") {
  std::string json = "{";
  if (!metadata.empty())
    json += "\"__metadata__\":" + metadata;
  size_t offset = 0;
  for (const SafetensorsEntry &t : tensors) {
    if (json.size() > 1)
      json += ",";
    json += jsonString(t.name) + ":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (size_t i = 0; i < t.shape.size(); ++i)
      json += (i ? "," : "") + std::to_string(t.shape[i]);
    json += "],\"data_offsets\":[" + std::to_string(offset) + "," +
            std::to_string(offset + t.data.size()) + "]}";
    offset += t.data.size();
  }
  return json + "}";
}

/// A whole safetensors file: length, header (padded with spaces to a
/// multiple of 8, as the reference writer does), data.
inline std::string safetensorsFile(const std::vector<SafetensorsEntry> &tensors,
                                   const std::string &metadata = "") {
  std::string json = safetensorsHeader(tensors, metadata);
  json.resize((json.size() + 7) / 8 * 8, ' ');
  uint64_t length = json.size();
  std::string bytes(reinterpret_cast<const char *>(&length), 8);
  bytes += json;
  for (const SafetensorsEntry &t : tensors)
    bytes += t.data;
  return bytes;
}

/// The tensors of the representative artifact's safetensors file: the one
/// weight 'pos' binds to, and one nobody uses.
inline std::vector<SafetensorsEntry> representativeSafetensors() {
  std::string pos(16, '\0'), unused(24, '\0');
  for (size_t i = 0; i < pos.size(); ++i)
    pos[i] = static_cast<char>(0x40 + i);
  return {{"unused", "I64", {3}, unused}, {"pos_table", "F32", {2, 2}, pos}};
}

inline ArtifactWriter makeRepresentativeWriter() {
  ArtifactWriter w("sm_90a");
  w.setArena(4096, 256);
  uint32_t main = w.addModule("main");
  w.addModuleImage(main, "sm_90a", ImageFormat::Cubin, fakeCubin(300));
  w.addModuleImage(main, "sm_80", ImageFormat::Ptx,
                   ".version 7.0\n.target sm_80\n.address_size 64\n");
  uint32_t extra = w.addModule("extra");
  w.addModuleImage(extra, "sm_90", ImageFormat::Ptx,
                   ".version 8.0\n.target sm_90\n.address_size 64\n");

  uint32_t vadd = w.addKernel("vadd", main);
  uint32_t scale = w.addKernel("scale", main);
  uint32_t norm = w.addKernel("norm", extra);

  uint32_t a = w.addInput("a", DType::F32, {4, 8});
  uint32_t ids = w.addInput("ids", DType::I64, {4});
  uint32_t y = w.addOutput("y", DType::F32, {4, 8});
  uint32_t mask = w.addOutput("mask", DType::Bool, {4});
  uint32_t wCopy = w.addOutput("w_copy", DType::F16, {8});

  std::string wData(16, '\0');
  for (size_t i = 0; i < wData.size(); ++i)
    wData[i] = static_cast<char>(i + 1);
  uint32_t wHalf = w.addInlineWeight("w", DType::F16, {8}, wData);
  uint32_t bias =
      w.addInlineWeight("bias", DType::F32, {32}, std::string(128, '\x3f'));
  w.addExternalWeight("emb", DType::BF16, {2, 4}, externalWeightsFile(), "emb",
                      externalWeightOffset);
  w.addSafetensorsWeight("pos", DType::F32, {2, 2}, safetensorsWeightsFile(),
                         "pos_table");

  w.addKernelLaunch(vadd, {1, 1, 1}, {32, 1, 1}, 0,
                    {KernelArg::buffer(BufferRef::input(a)),
                     KernelArg::buffer(BufferRef::weight(bias)),
                     KernelArg::buffer(BufferRef::arena(0, 128)),
                     KernelArg::i32(32)});
  w.addKernelLaunch(scale, {4, 1, 1}, {8, 1, 1}, 0,
                    {KernelArg::buffer(BufferRef::arena(0, 128)),
                     KernelArg::buffer(BufferRef::output(y)),
                     KernelArg::f32(0.5f), KernelArg::i64(-3)});
  w.addCopy(BufferRef::weight(wHalf), BufferRef::output(wCopy), 16);
  w.addKernelLaunch(norm, {2, 1, 1}, {64, 1, 1}, 1024,
                    {KernelArg::buffer(BufferRef::input(ids)),
                     KernelArg::buffer(BufferRef::output(mask)),
                     KernelArg::buffer(BufferRef::weight(2, 8))});
  return w;
}

/// Removes the folders of makeTempDir when the test program exits.
struct TempDirCleaner {
  std::vector<std::string> dirs;
  ~TempDirCleaner() {
    std::error_code ignored;
    for (const std::string &dir : dirs)
      std::filesystem::remove_all(dir, ignored);
  }
};

/// A fresh folder under $TMPDIR (or /tmp), removed at exit.
inline std::string makeTempDir() {
  static TempDirCleaner cleaner;
  const char *base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") +
                        "/tfc-rt-test-XXXXXX";
  char *dir = ::mkdtemp(&pattern[0]);
  if (!dir)
    return std::string();
  cleaner.dirs.push_back(dir);
  return dir;
}

inline void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

/// A folder holding the weight files of the representative artifact: the
/// raw external file, `size` bytes long, and the safetensors file.
inline std::string makeWeightsDir(uint64_t size = externalWeightsFileSize) {
  std::string dir = makeTempDir();
  std::string bytes(size, '\0');
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>(i);
  writeBytes(dir + "/" + externalWeightsFile(), bytes);
  writeBytes(dir + "/" + safetensorsWeightsFile(),
             safetensorsFile(representativeSafetensors()));
  return dir;
}

/// Recomputes the header checksum after a test patched the bytes.
inline void refreshChecksum(std::string &bytes) {
  uint64_t checksum =
      tfcmFnv1a64(TFCM_FNV1A64_OFFSET_BASIS, bytes.data() + TFCM_HEADER_SIZE,
                  bytes.size() - TFCM_HEADER_SIZE);
  std::memcpy(&bytes[offsetof(tfcmHeader, checksum)], &checksum,
              sizeof(checksum));
}

inline tfcmSection readSection(const std::string &bytes, tfcmSectionKind kind) {
  tfcmSection section;
  std::memcpy(&section,
              bytes.data() + TFCM_HEADER_SIZE + kind * sizeof(tfcmSection),
              sizeof(section));
  return section;
}

inline void writeSection(std::string &bytes, tfcmSectionKind kind,
                         tfcmSection section) {
  std::memcpy(&bytes[TFCM_HEADER_SIZE + kind * sizeof(tfcmSection)], &section,
              sizeof(section));
}

/// Overwrites a field of the `index`th record of a section.
template <typename Record, typename Field>
void patchRecord(std::string &bytes, tfcmSectionKind kind, size_t index,
                 size_t fieldOffset, Field value) {
  tfcmSection section = readSection(bytes, kind);
  std::memcpy(&bytes[section.offset + index * sizeof(Record) + fieldOffset],
              &value, sizeof(value));
}

} // namespace test
} // namespace tfc

#endif // TFC_RUNTIME_TEST_TESTARTIFACTS_H
