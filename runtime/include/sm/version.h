#pragma once

// Version of the plugin SDK. A plugin's metadata names the SDK version it was built
// against ("sdk": "1.0"); the host loads it when the major versions are equal and the
// plugin's minor version is not newer than the host's. Breaking any interface in this
// folder bumps the major version and the interface id together; an additive change bumps
// the minor version.
//   1.1: sm/connectionmonitor.h and HostContext::connectionMonitor() (appended).
//   1.2: HostContext::isReady() and HttpStream::socketDescriptor() (appended).

#define SM_PLUGIN_IID "dev.sessionmanager.Plugin/1"

namespace sm {
inline constexpr int kSdkVersionMajor = 1;
inline constexpr int kSdkVersionMinor = 2;
inline constexpr const char *kSdkVersionString = "1.2";
} // namespace sm
