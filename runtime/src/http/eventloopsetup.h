#pragma once

namespace sm {

// Qt's default glib event dispatcher is quadratic in the number of sockets (measured:
// 10,000 SSE clients took 99 % CPU and 161 ms per broadcast; with Qt's own UNIX
// dispatcher 15 % and 5 ms). Qt picks the dispatcher when QCoreApplication is built and
// skips glib when QT_NO_GLIB is set, so main() calls this before creating it.
void preferUnixEventDispatcher();

// True if the running application's event dispatcher is the glib one.
bool usesGlibEventDispatcher();

} // namespace sm
