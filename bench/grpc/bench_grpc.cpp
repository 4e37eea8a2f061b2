// gRPC load client for issue 6 (see bench/README.md), run by bench/grpc/run.sh.
//
//   bench_grpc --grpc HOST:PORT --http-port N --key API_KEY --server-pid PID
//              [--unary-secs 10] [--concurrency 64] [--streams 1000] [--sessions 10]
//              [--rate 100] [--stream-secs 10]
//
// Phase 1: `concurrency` chains of CreateSession then GetSession (callback API, two
// channels, so two connections) for unary-secs; prints pairs/s and pair latency.
// Phase 2: `streams` StreamEvents calls spread over `sessions` sessions; one thread
// publishes `rate` events/s in total through REST POST /sessions/{id}/events, each
// carrying its steady-clock send time; prints delivered events/s and publish→receive
// latency. Both phases print the server's user+system CPU per call / delivered event.
#include "session.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string grpcTarget = "127.0.0.1:20611";
    int httpPort = 20610;
    std::string key = "bench-token-0123456789";
    int serverPid = 0;
    int unarySecs = 10;
    int concurrency = 64;
    int streams = 1000;
    int sessions = 10;
    int rate = 100;
    int streamSecs = 10;
};

Options parseOptions(int argc, char **argv)
{
    Options o;
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2)
        args[argv[i]] = argv[i + 1];
    auto text = [&](const char *name, std::string &out) { if (args.count(name)) out = args[name]; };
    auto number = [&](const char *name, int &out) { if (args.count(name)) out = std::atoi(args[name].c_str()); };
    text("--grpc", o.grpcTarget);
    text("--key", o.key);
    number("--http-port", o.httpPort);
    number("--server-pid", o.serverPid);
    number("--unary-secs", o.unarySecs);
    number("--concurrency", o.concurrency);
    number("--streams", o.streams);
    number("--sessions", o.sessions);
    number("--rate", o.rate);
    number("--stream-secs", o.streamSecs);
    return o;
}

int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// utime + stime of the server process, in seconds (fields 14 and 15 of /proc/<pid>/stat).
double serverCpuSeconds(int pid)
{
    if (pid <= 0)
        return 0;
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) {
        if (index == 14) utime = std::atoll(field.c_str());
        if (index == 15) { stime = std::atoll(field.c_str()); break; }
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// Latency samples from several threads; percentiles in milliseconds.
class Latencies {
public:
    void add(int64_t ns) { std::lock_guard lock(m_mutex); m_samples.push_back(ns); }
    size_t count() { std::lock_guard lock(m_mutex); return m_samples.size(); }
    double percentileMs(double p)
    {
        std::lock_guard lock(m_mutex);
        if (m_samples.empty())
            return 0;
        std::sort(m_samples.begin(), m_samples.end());
        return double(m_samples[size_t(p * double(m_samples.size() - 1))]) / 1e6;
    }

private:
    std::mutex m_mutex;
    std::vector<int64_t> m_samples;
};

std::shared_ptr<grpc::Channel> makeChannel(const std::string &target, int index)
{
    grpc::ChannelArguments args;
    args.SetInt("grpc.bench_channel_index", index); // distinct args: a connection of its own
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

void authorize(grpc::ClientContext &context, const Options &o)
{
    context.AddMetadata("authorization", "Bearer " + o.key);
}

// One chain of CreateSession → GetSession pairs, restarted from its own callbacks until stop.
class UnaryChain {
public:
    UnaryChain(sm::v1::SessionService::Stub &stub, const Options &o, Latencies &latencies,
               std::atomic<bool> &stop, std::atomic<long> &failures)
        : m_stub(stub), m_options(o), m_latencies(latencies), m_stop(stop), m_failures(failures) {}

    void start()
    {
        if (m_stop) { m_done = true; return; }
        m_started = nowNs();
        m_context = std::make_unique<grpc::ClientContext>();
        authorize(*m_context, m_options);
        m_createRequest.set_metadata_json("{}");
        m_stub.async()->CreateSession(m_context.get(), &m_createRequest, &m_created,
                                      [this](grpc::Status status) { onCreated(status); });
    }
    bool done() const { return m_done; }

private:
    void onCreated(const grpc::Status &status)
    {
        if (!status.ok()) { ++m_failures; start(); return; }
        m_context = std::make_unique<grpc::ClientContext>();
        authorize(*m_context, m_options);
        m_getRequest.set_session_id(m_created.session().session_id());
        m_stub.async()->GetSession(m_context.get(), &m_getRequest, &m_session,
                                   [this](grpc::Status status) { onGot(status); });
    }
    void onGot(const grpc::Status &status)
    {
        if (status.ok())
            m_latencies.add(nowNs() - m_started);
        else
            ++m_failures;
        start();
    }

    sm::v1::SessionService::Stub &m_stub;
    const Options &m_options;
    Latencies &m_latencies;
    std::atomic<bool> &m_stop;
    std::atomic<long> &m_failures;
    std::unique_ptr<grpc::ClientContext> m_context;
    sm::v1::CreateSessionRequest m_createRequest;
    sm::v1::CreateSessionResponse m_created;
    sm::v1::GetSessionRequest m_getRequest;
    sm::v1::Session m_session;
    int64_t m_started = 0;
    std::atomic<bool> m_done{false};
};

void runUnary(const Options &o)
{
    std::vector<std::unique_ptr<sm::v1::SessionService::Stub>> stubs;
    for (int i = 0; i < 2; ++i)
        stubs.push_back(sm::v1::SessionService::NewStub(makeChannel(o.grpcTarget, i)));
    Latencies latencies;
    std::atomic<bool> stop{false};
    std::atomic<long> failures{0};
    std::vector<std::unique_ptr<UnaryChain>> chains;
    for (int i = 0; i < o.concurrency; ++i)
        chains.push_back(std::make_unique<UnaryChain>(*stubs[size_t(i % 2)], o, latencies, stop, failures));
    const double cpuBefore = serverCpuSeconds(o.serverPid);
    const auto started = Clock::now();
    for (auto &chain : chains)
        chain->start();
    std::this_thread::sleep_for(std::chrono::seconds(o.unarySecs));
    stop = true;
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    for (auto &chain : chains)
        while (!chain->done())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double cpu = serverCpuSeconds(o.serverPid) - cpuBefore;
    const double pairs = double(latencies.count());
    std::printf("unary   concurrency=%d pairs=%.0f failures=%ld pairs/s=%.0f calls/s=%.0f pair_p50_ms=%.2f "
                "pair_p99_ms=%.2f server_cpu_s=%.2f server_cpu_us/call=%.1f\n",
                o.concurrency, pairs, failures.load(), pairs / elapsed, 2 * pairs / elapsed,
                latencies.percentileMs(0.50), latencies.percentileMs(0.99), cpu,
                pairs > 0 ? cpu * 1e6 / (2 * pairs) : 0.0);
}

// One StreamEvents call; records publish→receive latency of events sent during the window.
class StreamReader : public grpc::ClientReadReactor<sm::v1::Event> {
public:
    StreamReader(sm::v1::SessionService::Stub &stub, const Options &o, const std::string &sessionId,
                 Latencies &latencies, std::atomic<long> &received, std::atomic<long> &finished)
        : m_latencies(latencies), m_received(received), m_finished(finished)
    {
        authorize(m_context, o);
        m_request.set_session_id(sessionId);
        stub.async()->StreamEvents(&m_context, &m_request, this);
        StartRead(&m_event);
        StartCall();
    }
    void cancel() { m_context.TryCancel(); }

    void OnReadDone(bool ok) override
    {
        if (!ok)
            return;
        // data_json is ["<send ns>","<seq>"]
        const std::string &data = m_event.data_json();
        const size_t quote = data.find('"');
        if (m_event.type() == "bench" && quote != std::string::npos) {
            m_latencies.add(nowNs() - std::atoll(data.c_str() + quote + 1));
            ++m_received;
        }
        StartRead(&m_event);
    }
    void OnDone(const grpc::Status &status) override
    {
        m_status = status;
        ++m_finished;
    }
    const grpc::Status &status() const { return m_status; }

private:
    grpc::ClientContext m_context;
    sm::v1::StreamEventsRequest m_request;
    sm::v1::Event m_event;
    Latencies &m_latencies;
    std::atomic<long> &m_received;
    std::atomic<long> &m_finished;
    grpc::Status m_status;
};

// Keep-alive HTTP/1.1 client for the publisher: one request at a time, Content-Length bodies.
class HttpPublisher {
public:
    HttpPublisher(int port, std::string key) : m_key(std::move(key))
    {
        m_socket = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(uint16_t(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(m_socket, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(m_socket, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            std::perror("connect to the HTTP port");
    }
    ~HttpPublisher() { ::close(m_socket); }

    // Returns the HTTP status, 0 on a transport failure.
    int post(const std::string &path, const std::string &body)
    {
        const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + m_key
            + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        if (::send(m_socket, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size()))
            return 0;
        std::string response;
        char buffer[4096];
        for (;;) {
            const size_t headerEnd = response.find("\r\n\r\n");
            if (headerEnd != std::string::npos) {
                const size_t length = contentLength(response.substr(0, headerEnd));
                if (response.size() >= headerEnd + 4 + length)
                    return response.size() > 12 ? std::atoi(response.c_str() + 9) : 0;
            }
            const ssize_t n = ::recv(m_socket, buffer, sizeof buffer, 0);
            if (n <= 0)
                return 0;
            response.append(buffer, size_t(n));
        }
    }

private:
    static size_t contentLength(std::string headers)
    {
        std::transform(headers.begin(), headers.end(), headers.begin(), ::tolower);
        const size_t at = headers.find("content-length:");
        return at == std::string::npos ? 0 : size_t(std::atoll(headers.c_str() + at + 15));
    }

    int m_socket = -1;
    std::string m_key;
};

std::vector<std::string> createSessions(sm::v1::SessionService::Stub &stub, const Options &o)
{
    std::vector<std::string> ids;
    for (int i = 0; i < o.sessions; ++i) {
        grpc::ClientContext context;
        authorize(context, o);
        sm::v1::CreateSessionRequest request;
        request.set_user_id("grpc-bench");
        request.set_metadata_json("{}");
        sm::v1::CreateSessionResponse response;
        const grpc::Status status = stub.CreateSession(&context, request, &response);
        if (!status.ok()) {
            std::fprintf(stderr, "CreateSession failed: %s\n", status.error_message().c_str());
            std::exit(1);
        }
        ids.push_back(response.session().session_id());
    }
    return ids;
}

// Publishes o.rate events/s for o.streamSecs, round robin over the sessions; returns the count sent.
long publish(const Options &o, const std::vector<std::string> &sessionIds, long &failures)
{
    HttpPublisher publisher(o.httpPort, o.key);
    const auto interval = std::chrono::nanoseconds(1'000'000'000LL / o.rate);
    const long total = long(o.rate) * o.streamSecs;
    auto next = Clock::now();
    long sent = 0;
    for (long seq = 0; seq < total; ++seq) {
        std::this_thread::sleep_until(next);
        next += interval;
        const std::string body = "{\"type\":\"bench\",\"data\":[\"" + std::to_string(nowNs()) + "\",\""
            + std::to_string(seq) + "\"]}";
        const int status = publisher.post("/sessions/" + sessionIds[size_t(seq) % sessionIds.size()] + "/events", body);
        if (status >= 200 && status < 300)
            ++sent;
        else
            ++failures;
    }
    return sent;
}

void runStreams(const Options &o)
{
    constexpr int kChannels = 4;
    std::vector<std::unique_ptr<sm::v1::SessionService::Stub>> stubs;
    for (int i = 0; i < kChannels; ++i)
        stubs.push_back(sm::v1::SessionService::NewStub(makeChannel(o.grpcTarget, 100 + i)));
    const std::vector<std::string> sessionIds = createSessions(*stubs[0], o);
    Latencies latencies;
    std::atomic<long> received{0}, finished{0};
    std::vector<std::unique_ptr<StreamReader>> readers;
    for (int i = 0; i < o.streams; ++i)
        readers.push_back(std::make_unique<StreamReader>(*stubs[size_t(i % kChannels)], o,
                                                         sessionIds[size_t(i) % sessionIds.size()], latencies,
                                                         received, finished));
    std::this_thread::sleep_for(std::chrono::seconds(3)); // let every stream subscribe
    const long endedEarly = finished.load();
    const double cpuBefore = serverCpuSeconds(o.serverPid);
    const auto started = Clock::now();
    long publishFailures = 0;
    const long published = publish(o, sessionIds, publishFailures);
    const double publishSecs = std::chrono::duration<double>(Clock::now() - started).count();
    const long expected = published * (o.streams / o.sessions);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (received < expected && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const double cpu = serverCpuSeconds(o.serverPid) - cpuBefore;
    const long delivered = received.load();
    std::printf("streams streams=%d sessions=%d rate=%d/s published=%ld publish_failures=%ld ended_early=%ld "
                "delivered=%ld expected=%ld delivered/s=%.0f (over the %.1f s publish window) p50_ms=%.2f "
                "p99_ms=%.2f server_cpu_s=%.2f server_cpu_us/event=%.1f\n",
                o.streams, o.sessions, o.rate, published, publishFailures, endedEarly, delivered, expected,
                double(delivered) / publishSecs, publishSecs, latencies.percentileMs(0.50),
                latencies.percentileMs(0.99), cpu, delivered > 0 ? cpu * 1e6 / double(delivered) : 0.0);
    for (auto &reader : readers)
        reader->cancel();
    while (finished < o.streams)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv);
    if (options.unarySecs > 0)
        runUnary(options);
    if (options.streams > 0 && options.streamSecs > 0)
        runStreams(options);
    return 0;
}
