#pragma once

#include <sm/result.h>

#include <functional>

namespace sm {

// Completion of an asynchronous SDK call. It runs on the host (Qt main) thread, exactly
// once, and never before the call that received it has returned. A caller whose
// lifetime may end first captures a QPointer or a weak pointer and checks it.
template <typename T>
using Callback = std::function<void(Result<T>)>;

} // namespace sm
