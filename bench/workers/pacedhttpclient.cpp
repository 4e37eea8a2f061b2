#include "pacedhttpclient.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Connection {
    int fd = -1;
    bool busy = false;
    int64_t dueNs = 0; // when the request in flight was due
    std::string input;
};

int connectTo(uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// The length of the first complete response in `input` and its status, or 0 while incomplete.
size_t completeResponse(const std::string &input, int &status)
{
    const size_t headerEnd = input.find("\r\n\r\n");
    if (headerEnd == std::string::npos)
        return 0;
    status = std::atoi(input.c_str() + input.find(' ') + 1);
    size_t contentLength = 0;
    for (size_t line = input.find("\r\n") + 2; line < headerEnd; line = input.find("\r\n", line) + 2) {
        if (strncasecmp(input.c_str() + line, "content-length:", 15) == 0)
            contentLength = size_t(std::atoll(input.c_str() + line + 15));
    }
    const size_t total = headerEnd + 4 + contentLength;
    return input.size() >= total ? total : 0;
}

class Run {
public:
    explicit Run(const PacedHttpClient::Options &options) : m_options(options) {}

    PacedHttpClient::Result execute()
    {
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        for (int i = 0; i < m_options.connections; ++i)
            open(i);
        m_startNs = nowNs();
        const int64_t endNs = m_startNs + int64_t(m_options.seconds * 1e9);
        const bool paced = m_options.rate > 0;
        const double intervalNs = paced ? 1e9 / m_options.rate : 0;
        int64_t scheduled = 0;
        while (true) {
            const int64_t now = nowNs();
            if (now < endNs) {
                if (paced) {
                    for (; m_startNs + int64_t(double(scheduled) * intervalNs) <= now; ++scheduled)
                        m_due.push_back(m_startNs + int64_t(double(scheduled) * intervalNs));
                } else {
                    for (; m_due.size() < m_idle.size(); ++scheduled)
                        m_due.push_back(now);
                }
            } else if (m_busy == 0) {
                break;
            } else if (now > endNs + int64_t(10e9)) {
                break; // answers that never come count as errors below
            }
            while (!m_due.empty() && !m_idle.empty() && now < endNs) {
                send(m_idle.back(), m_due.front());
                m_idle.pop_back();
                m_due.pop_front();
            }
            // Wake for the next due request, else (waiting for answers or for a free
            // connection) at least every millisecond: answers wake it anyway.
            int64_t wakeAt = now + 1000000;
            if (paced && now < endNs && m_due.empty())
                wakeAt = std::min(wakeAt, m_startNs + int64_t(double(scheduled) * intervalNs));
            wait(std::max<int64_t>(0, wakeAt - nowNs()));
        }
        m_result.errors += m_busy + int64_t(m_due.size());
        m_result.elapsedSeconds = double(nowNs() - m_startNs) / 1e9;
        for (Connection &connection : m_connections)
            ::close(connection.fd);
        ::close(m_epoll);
        return std::move(m_result);
    }

private:
    void open(int index)
    {
        if (size_t(index) >= m_connections.size())
            m_connections.resize(size_t(index) + 1);
        Connection &connection = m_connections[size_t(index)];
        connection = Connection{};
        connection.fd = connectTo(m_options.port);
        if (connection.fd < 0)
            return;
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u32 = uint32_t(index);
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, connection.fd, &event);
        m_idle.push_back(index);
    }

    void send(int index, int64_t dueNs)
    {
        Connection &connection = m_connections[size_t(index)];
        const std::string &request = m_options.requests[size_t(m_result.sent++) % m_options.requests.size()];
        connection.busy = true;
        connection.dueNs = dueNs;
        ++m_busy;
        // Small requests on a fresh socket buffer: one write takes all of it.
        if (::write(connection.fd, request.data(), request.size()) != ssize_t(request.size()))
            fail(index);
    }

    void wait(int64_t timeoutNs)
    {
        epoll_event events[64];
        const timespec timeout{time_t(timeoutNs / 1000000000), long(timeoutNs % 1000000000)};
        const int ready = ::epoll_pwait2(m_epoll, events, 64, &timeout, nullptr);
        for (int i = 0; i < ready; ++i)
            receive(int(events[i].data.u32));
    }

    void receive(int index)
    {
        Connection &connection = m_connections[size_t(index)];
        char buffer[16384];
        const ssize_t got = ::read(connection.fd, buffer, sizeof buffer);
        if (got <= 0)
            return fail(index);
        connection.input.append(buffer, size_t(got));
        int status = 0;
        const size_t length = completeResponse(connection.input, status);
        if (length == 0 || !connection.busy)
            return;
        connection.input.erase(0, length);
        connection.busy = false;
        --m_busy;
        if (status == 200)
            m_result.latenciesMs.push_back(double(nowNs() - connection.dueNs) / 1e6);
        else
            ++m_result.errors;
        m_idle.push_back(index);
    }

    // A broken connection: its request is an error, a new connection takes its place.
    void fail(int index)
    {
        Connection &connection = m_connections[size_t(index)];
        if (connection.busy) {
            --m_busy;
            ++m_result.errors;
        }
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, connection.fd, nullptr);
        ::close(connection.fd);
        m_idle.erase(std::remove(m_idle.begin(), m_idle.end(), index), m_idle.end());
        open(index);
    }

    const PacedHttpClient::Options &m_options;
    PacedHttpClient::Result m_result;
    std::vector<Connection> m_connections;
    std::vector<int> m_idle;
    std::deque<int64_t> m_due; // due times of requests not sent yet
    int64_t m_busy = 0;
    int64_t m_startNs = 0;
    int m_epoll = -1;
};

} // namespace

PacedHttpClient::Result PacedHttpClient::run(const Options &options)
{
    return Run(options).execute();
}

double PacedHttpClient::percentile(std::vector<double> values, double fraction)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(fraction * double(values.size())))];
}
