//===- Status.h - Error values of the runtime's C++ internals --*- C++ -*-===//
//
// The runtime's internals return a Status (a tfcStatus code and a message)
// instead of throwing, so that every failure reaches the C API with the
// message that names the field, driver call or kernel at fault.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_STATUS_H
#define TFC_RUNTIME_STATUS_H

#include "tfc/tfc_runtime.h"

#include <sstream>
#include <string>
#include <utility>

namespace tfc {
namespace rt {

class [[nodiscard]] Status {
public:
  Status() = default;
  Status(tfcStatus code, std::string message)
      : statusCode(code), text(std::move(message)) {}

  static Status success() { return Status(); }

  bool failed() const { return statusCode != TFC_OK; }
  tfcStatus code() const { return statusCode; }
  const std::string &message() const { return text; }

private:
  tfcStatus statusCode = TFC_OK;
  std::string text;
};

/// Streams all arguments into one string.
template <typename... Args> std::string concat(const Args &...args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

template <typename... Args>
Status makeError(tfcStatus code, const Args &...args) {
  return Status(code, concat(args...));
}

#define TFC_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    ::tfc::rt::Status tfcStatusOrError = (expr);                               \
    if (tfcStatusOrError.failed())                                             \
      return tfcStatusOrError;                                                 \
  } while (false)

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_STATUS_H
