#include "connectionstats.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace sse {

/*!
 * SSE has no ping of its own, but TCP measures every connection's round trip from its
 * acknowledgements: getsockopt(TCP_INFO) reads that estimate without sending anything.
 * It is cheap (one system call, no allocation), so the monitor can read it for every
 * connection each time it samples. tcpi_rtt is 0 until the kernel has a measurement.
 */
double ConnectionStats::readRttMs() const
{
    if (socketDescriptor < 0)
        return -1;
    tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(int(socketDescriptor), IPPROTO_TCP, TCP_INFO, &info, &length) != 0 || info.tcpi_rtt == 0)
        return -1;
    return double(info.tcpi_rtt) / 1000.0;
}

} // namespace sse
