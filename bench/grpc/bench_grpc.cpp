// gRPC load client for issue 6 (see bench/README.md), run by bench/grpc/run.sh. It runs
// the gRPC path and the REST/SSE path against the same runtime in the same run.
//
//   bench_grpc --grpc HOST:PORT --http-port N --key API_KEY --server-pid PID
//              [--phases unary,rest,streams,sse] [--unary-secs 10] [--concurrency 64]
//              [--streams 1000] [--sessions 10] [--rate 100] [--publishers 1]
//              [--stream-secs 10] [--max-batch 0]
//
// unary:   `concurrency` chains of CreateSession then GetSession (completion-queue API, two
//          channels, one polling thread each) for unary-secs; pairs/s and pair latency.
// rest:    the same pairs over REST (POST /sessions, GET /sessions/{id}), `concurrency`
//          keep-alive connections, one thread each.
// streams: `streams` StreamEvents calls over `sessions` sessions (max_batch as given);
//          `publishers` threads publish `rate` events/s in total (0 = as fast as the
//          server answers) through REST POST /sessions/{id}/events, each event carrying its
//          steady-clock send time; delivered events/s and publish→receive latency.
// sse:     the same fan-out to `streams` SSE connections (GET /sessions/{id}/events).
// Every phase prints the server's and this client's user+system CPU per call / event:
// the box is shared, so CPU time is the figure to compare, not wall time alone.
#include "session.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
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
    std::string phases = "unary,rest,streams,sse";
    int unarySecs = 10;
    int concurrency = 64;
    int streams = 1000;
    int sessions = 10;
    int rate = 100;
    int publishers = 1;
    int streamSecs = 10;
    int maxBatch = 0;

    bool runs(const std::string &phase) const { return ("," + phases + ",").find("," + phase + ",") != std::string::npos; }
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
    text("--phases", o.phases);
    number("--http-port", o.httpPort);
    number("--server-pid", o.serverPid);
    number("--unary-secs", o.unarySecs);
    number("--concurrency", o.concurrency);
    number("--streams", o.streams);
    number("--sessions", o.sessions);
    number("--rate", o.rate);
    number("--publishers", o.publishers);
    number("--stream-secs", o.streamSecs);
    number("--max-batch", o.maxBatch);
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

double clientCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU of the server and of this client over one phase.
class CpuMeter {
public:
    explicit CpuMeter(int serverPid) : m_pid(serverPid), m_server(serverCpuSeconds(serverPid)), m_client(clientCpuSeconds()) {}
    double server() const { return serverCpuSeconds(m_pid) - m_server; }
    double client() const { return clientCpuSeconds() - m_client; }

private:
    int m_pid;
    double m_server;
    double m_client;
};

// Latency samples; one instance per thread or stream (no locking), merged at the end.
class Latencies {
public:
    void add(int64_t ns) { m_samples.push_back(ns); }
    void merge(const Latencies &other) { m_samples.insert(m_samples.end(), other.m_samples.begin(), other.m_samples.end()); }
    size_t count() const { return m_samples.size(); }
    double percentileMs(double p)
    {
        if (m_samples.empty())
            return 0;
        std::sort(m_samples.begin(), m_samples.end());
        return double(m_samples[size_t(p * double(m_samples.size() - 1))]) / 1e6;
    }

private:
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

// Keep-alive HTTP/1.1 client: one request at a time, Content-Length bodies.
class HttpClient {
public:
    HttpClient(int port, std::string key) : m_key(std::move(key))
    {
        m_socket = connectTo(port);
    }
    ~HttpClient() { ::close(m_socket); }

    static int connectTo(int port)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(uint16_t(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            std::perror("connect to the HTTP port");
        return fd;
    }

    // Returns the HTTP status (0 on a transport failure); the body in `body` when given.
    int send(const char *method, const std::string &path, const std::string &requestBody, std::string *body = nullptr)
    {
        std::string request = std::string(method) + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + m_key + "\r\n";
        if (!requestBody.empty())
            request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(requestBody.size()) + "\r\n";
        request += "\r\n" + requestBody;
        if (::send(m_socket, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size()))
            return 0;
        std::string response;
        char buffer[8192];
        for (;;) {
            const size_t headerEnd = response.find("\r\n\r\n");
            if (headerEnd != std::string::npos) {
                const size_t length = contentLength(response.substr(0, headerEnd));
                if (response.size() >= headerEnd + 4 + length) {
                    if (body)
                        *body = response.substr(headerEnd + 4, length);
                    return response.size() > 12 ? std::atoi(response.c_str() + 9) : 0;
                }
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

// The value of "session_id" in a JSON body.
std::string sessionIdOf(const std::string &json)
{
    const size_t key = json.find("\"session_id\":\"");
    if (key == std::string::npos)
        return {};
    const size_t start = key + 14;
    return json.substr(start, json.find('"', start) - start);
}

void printPairs(const char *name, const Options &o, Latencies &latencies, long failures, double elapsed, const CpuMeter &cpu)
{
    const double pairs = double(latencies.count());
    std::printf("%-7s concurrency=%d pairs=%.0f failures=%ld pairs/s=%.0f calls/s=%.0f pair_p50_ms=%.2f "
                "pair_p99_ms=%.2f server_cpu_s=%.2f server_cpu_us/call=%.1f client_cpu_us/call=%.1f\n",
                name, o.concurrency, pairs, failures, pairs / elapsed, 2 * pairs / elapsed, latencies.percentileMs(0.50),
                latencies.percentileMs(0.99), cpu.server(), pairs > 0 ? cpu.server() * 1e6 / (2 * pairs) : 0.0,
                pairs > 0 ? cpu.client() * 1e6 / (2 * pairs) : 0.0);
    std::fflush(stdout);
}

// One chain of CreateSession → GetSession pairs on a completion queue: the thread polling
// the queue advances it (no callback executor, no thread per call), so the client costs
// as little CPU per call as grpc++ allows and leaves the shared cores to the server.
class UnaryChain {
public:
    UnaryChain(sm::v1::SessionService::Stub &stub, grpc::CompletionQueue &queue, const Options &o)
        : m_stub(stub), m_queue(queue), m_options(o) {}

    // Starts a pair; false when stopping (the chain is then done).
    bool startPair(bool stopping)
    {
        if (stopping)
            return false;
        m_started = nowNs();
        m_creating = true;
        m_createRequest.set_metadata_json("{}");
        auto &context = newContext();
        m_createCall = m_stub.AsyncCreateSession(&context, m_createRequest, &m_queue);
        m_createCall->Finish(&m_created, &m_status, this);
        return true;
    }
    // The call in flight completed: starts the next one; false when the chain is done.
    bool completed(bool stopping)
    {
        if (!m_status.ok()) {
            ++failures;
            return startPair(stopping);
        }
        if (!m_creating) {
            latencies.add(nowNs() - m_started);
            return startPair(stopping);
        }
        m_creating = false;
        m_getRequest.set_session_id(m_created.session().session_id());
        auto &context = newContext();
        m_getCall = m_stub.AsyncGetSession(&context, m_getRequest, &m_queue);
        m_getCall->Finish(&m_session, &m_status, this);
        return true;
    }
    Latencies latencies;
    long failures = 0;

private:
    grpc::ClientContext &newContext()
    {
        m_context = std::make_unique<grpc::ClientContext>();
        authorize(*m_context, m_options);
        return *m_context;
    }

    sm::v1::SessionService::Stub &m_stub;
    grpc::CompletionQueue &m_queue;
    const Options &m_options;
    std::unique_ptr<grpc::ClientContext> m_context;
    std::unique_ptr<grpc::ClientAsyncResponseReader<sm::v1::CreateSessionResponse>> m_createCall;
    std::unique_ptr<grpc::ClientAsyncResponseReader<sm::v1::Session>> m_getCall;
    sm::v1::CreateSessionRequest m_createRequest;
    sm::v1::CreateSessionResponse m_created;
    sm::v1::GetSessionRequest m_getRequest;
    sm::v1::Session m_session;
    grpc::Status m_status;
    bool m_creating = true;
    int64_t m_started = 0;
};

// Runs `chains` on one completion queue until `stop` and every chain's last call is back.
void driveChains(grpc::CompletionQueue &queue, const std::vector<UnaryChain *> &chains, const std::atomic<bool> &stop)
{
    size_t active = 0;
    for (UnaryChain *chain : chains)
        active += chain->startPair(stop) ? 1 : 0;
    void *tag = nullptr;
    bool ok = false;
    while (active > 0 && queue.Next(&tag, &ok)) {
        if (!static_cast<UnaryChain *>(tag)->completed(stop))
            --active;
    }
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
}

void runUnary(const Options &o)
{
    constexpr size_t kQueues = 2; // one channel (connection) and one polling thread each
    std::vector<std::unique_ptr<sm::v1::SessionService::Stub>> stubs;
    std::vector<std::unique_ptr<grpc::CompletionQueue>> queues;
    for (size_t i = 0; i < kQueues; ++i) {
        stubs.push_back(sm::v1::SessionService::NewStub(makeChannel(o.grpcTarget, int(i))));
        queues.push_back(std::make_unique<grpc::CompletionQueue>());
    }
    std::vector<std::unique_ptr<UnaryChain>> chains;
    std::vector<std::vector<UnaryChain *>> chainsPerQueue(kQueues);
    for (size_t i = 0; i < size_t(o.concurrency); ++i) {
        chains.push_back(std::make_unique<UnaryChain>(*stubs[i % kQueues], *queues[i % kQueues], o));
        chainsPerQueue[i % kQueues].push_back(chains.back().get());
    }
    std::atomic<bool> stop{false};
    const CpuMeter cpu(o.serverPid);
    const auto started = Clock::now();
    std::vector<std::thread> threads;
    for (size_t i = 0; i < kQueues; ++i)
        threads.emplace_back([&, i] { driveChains(*queues[i], chainsPerQueue[i], stop); });
    std::this_thread::sleep_for(std::chrono::seconds(o.unarySecs));
    stop = true;
    for (auto &thread : threads)
        thread.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    Latencies latencies;
    long failures = 0;
    for (auto &chain : chains) {
        latencies.merge(chain->latencies);
        failures += chain->failures;
    }
    printPairs("unary", o, latencies, failures, elapsed, cpu);
}

void runRest(const Options &o)
{
    std::atomic<bool> stop{false};
    std::vector<Latencies> latencies(size_t(o.concurrency));
    std::vector<long> failures(size_t(o.concurrency), 0);
    std::vector<std::thread> threads;
    const CpuMeter cpu(o.serverPid);
    const auto started = Clock::now();
    for (int i = 0; i < o.concurrency; ++i) {
        threads.emplace_back([&, i] {
            HttpClient client(o.httpPort, o.key);
            std::string body;
            while (!stop) {
                const int64_t pairStarted = nowNs();
                if (client.send("POST", "/sessions", "{}", &body) != 201) { ++failures[size_t(i)]; continue; }
                if (client.send("GET", "/sessions/" + sessionIdOf(body), {}) != 200) { ++failures[size_t(i)]; continue; }
                latencies[size_t(i)].add(nowNs() - pairStarted);
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(o.unarySecs));
    stop = true;
    for (auto &thread : threads)
        thread.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    Latencies all;
    long failed = 0;
    for (int i = 0; i < o.concurrency; ++i) {
        all.merge(latencies[size_t(i)]);
        failed += failures[size_t(i)];
    }
    printPairs("rest", o, all, failed, elapsed, cpu);
}

// The publish time an event carries: its data is ["<send ns>","<seq>"].
int64_t sentAtOf(const char *data, size_t size)
{
    const char *quote = static_cast<const char *>(std::memchr(data, '"', size));
    return quote ? std::atoll(quote + 1) : 0;
}

// One StreamEvents call; records publish→receive latency of the bench's events.
class StreamReader : public grpc::ClientReadReactor<sm::v1::Event> {
public:
    StreamReader(sm::v1::SessionService::Stub &stub, const Options &o, const std::string &sessionId,
                 std::atomic<long> &received, std::atomic<long> &messages, std::atomic<long> &finished)
        : m_received(received), m_messages(messages), m_finished(finished)
    {
        authorize(m_context, o);
        m_request.set_session_id(sessionId);
        m_request.set_max_batch(uint32_t(std::max(0, o.maxBatch)));
        stub.async()->StreamEvents(&m_context, &m_request, this);
        StartRead(&m_event);
        StartCall();
    }
    void cancel() { m_context.TryCancel(); }

    void OnReadDone(bool ok) override
    {
        if (!ok)
            return;
        const int64_t now = nowNs();
        m_messages.fetch_add(1, std::memory_order_relaxed);
        if (m_event.batch_size() == 0)
            take(m_event, now);
        for (const sm::v1::Event &event : m_event.batch())
            take(event, now);
        StartRead(&m_event);
    }
    void OnDone(const grpc::Status &status) override
    {
        m_status = status;
        ++m_finished;
    }
    Latencies latencies;

private:
    void take(const sm::v1::Event &event, int64_t now)
    {
        if (event.type() != "bench")
            return;
        latencies.add(now - sentAtOf(event.data_json().data(), event.data_json().size()));
        m_received.fetch_add(1, std::memory_order_relaxed);
    }

    grpc::ClientContext m_context;
    sm::v1::StreamEventsRequest m_request;
    sm::v1::Event m_event;
    std::atomic<long> &m_received;
    std::atomic<long> &m_messages;
    std::atomic<long> &m_finished;
    grpc::Status m_status;
};

std::vector<std::string> createSessions(const Options &o)
{
    HttpClient client(o.httpPort, o.key);
    std::vector<std::string> ids;
    for (int i = 0; i < o.sessions; ++i) {
        std::string body;
        if (client.send("POST", "/sessions", R"({"user_id":"grpc-bench"})", &body) != 201) {
            std::fprintf(stderr, "POST /sessions failed: %s\n", body.c_str());
            std::exit(1);
        }
        ids.push_back(sessionIdOf(body));
    }
    return ids;
}

// `publishers` threads publish o.rate events/s in total (0: back to back) for o.streamSecs,
// round robin over the sessions. Returns the count acknowledged.
long publish(const Options &o, const std::vector<std::string> &sessionIds, long &failures)
{
    std::atomic<long> sent{0}, failed{0}, sequence{0};
    const auto until = Clock::now() + std::chrono::seconds(o.streamSecs);
    std::vector<std::thread> threads;
    for (int p = 0; p < o.publishers; ++p) {
        threads.emplace_back([&] {
            HttpClient publisher(o.httpPort, o.key);
            const auto interval = o.rate > 0 ? std::chrono::nanoseconds(1'000'000'000LL * o.publishers / o.rate)
                                             : std::chrono::nanoseconds(0);
            auto next = Clock::now();
            while (Clock::now() < until) {
                if (o.rate > 0) {
                    std::this_thread::sleep_until(next);
                    next += interval;
                }
                const long seq = sequence++;
                const std::string body = "{\"type\":\"bench\",\"data\":[\"" + std::to_string(nowNs()) + "\",\""
                    + std::to_string(seq) + "\"]}";
                const int status = publisher.send("POST", "/sessions/" + sessionIds[size_t(seq) % sessionIds.size()] + "/events", body);
                (status >= 200 && status < 300 ? sent : failed)++;
            }
        });
    }
    for (auto &thread : threads)
        thread.join();
    failures = failed;
    return sent;
}

// Publishes, waits for the deliveries and prints the figures of one fan-out phase.
// `messages` counts the messages that carried the events (batches), null when not known.
void measureFanOut(const char *name, const Options &o, const std::vector<std::string> &sessionIds,
                   std::atomic<long> &received, const std::atomic<long> *messages,
                   const std::function<Latencies()> &latencies, long endedEarly)
{
    const CpuMeter cpu(o.serverPid);
    const long before = received.load();
    const long messagesBefore = messages ? messages->load() : 0;
    const auto started = Clock::now();
    long publishFailures = 0;
    const long published = publish(o, sessionIds, publishFailures);
    const double publishSecs = std::chrono::duration<double>(Clock::now() - started).count();
    const long expected = published * (o.streams / o.sessions);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (received - before < expected && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const double deliverySecs = std::chrono::duration<double>(Clock::now() - started).count();
    const long delivered = received.load() - before;
    const long written = messages ? messages->load() - messagesBefore : 0;
    Latencies all = latencies();
    std::printf("%-7s streams=%d sessions=%d max_batch=%d rate=%d/s publishers=%d published=%ld publish_failures=%ld "
                "ended_early=%ld delivered=%ld expected=%ld delivered/s=%.0f (%.1f s publishing, %.1f s until the last) "
                "events/message=%.1f p50_ms=%.2f p99_ms=%.2f "
                "server_cpu_s=%.2f server_cpu_us/event=%.2f client_cpu_us/event=%.2f\n",
                name, o.streams, o.sessions, o.maxBatch, o.rate, o.publishers, published, publishFailures, endedEarly,
                delivered, expected, double(delivered) / deliverySecs, publishSecs, deliverySecs,
                written > 0 ? double(delivered) / double(written) : 0.0, all.percentileMs(0.50),
                all.percentileMs(0.99), cpu.server(), delivered > 0 ? cpu.server() * 1e6 / double(delivered) : 0.0,
                delivered > 0 ? cpu.client() * 1e6 / double(delivered) : 0.0);
    std::fflush(stdout);
}

void runStreams(const Options &o)
{
    constexpr int kChannels = 4;
    std::vector<std::unique_ptr<sm::v1::SessionService::Stub>> stubs;
    for (int i = 0; i < kChannels; ++i)
        stubs.push_back(sm::v1::SessionService::NewStub(makeChannel(o.grpcTarget, 100 + i)));
    const std::vector<std::string> sessionIds = createSessions(o);
    std::atomic<long> received{0}, messages{0}, finished{0};
    std::vector<std::unique_ptr<StreamReader>> readers;
    for (int i = 0; i < o.streams; ++i)
        readers.push_back(std::make_unique<StreamReader>(*stubs[size_t(i % kChannels)], o,
                                                         sessionIds[size_t(i) % sessionIds.size()], received, messages,
                                                         finished));
    std::this_thread::sleep_for(std::chrono::seconds(3)); // let every stream subscribe
    // The samples are merged once every stream has ended (no callback writes them then).
    measureFanOut("streams", o, sessionIds, received, &messages, [&] {
        for (auto &reader : readers)
            reader->cancel();
        while (finished < o.streams)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        Latencies all;
        for (const auto &reader : readers)
            all.merge(reader->latencies);
        return all;
    }, finished.load());
}

// SSE subscribers on one epoll thread: every `data: ["<ns>"` line of a `bench` event.
class SseReaders {
public:
    SseReaders(const Options &o, const std::vector<std::string> &sessionIds, std::atomic<long> &received)
        : m_received(received)
    {
        m_epoll = epoll_create1(0);
        for (int i = 0; i < o.streams; ++i) {
            const int fd = HttpClient::connectTo(o.httpPort);
            const std::string request = "GET /sessions/" + sessionIds[size_t(i) % sessionIds.size()]
                + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + o.key + "\r\n\r\n";
            ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
            epoll_event event{};
            event.events = EPOLLIN;
            event.data.u32 = uint32_t(m_buffers.size());
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
            m_fds.push_back(fd);
            m_buffers.emplace_back();
        }
        m_thread = std::thread([this] { run(); });
    }
    ~SseReaders()
    {
        stop();
        for (int fd : m_fds)
            ::close(fd);
        ::close(m_epoll);
    }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    Latencies latencies;

private:
    void run()
    {
        std::vector<epoll_event> ready(256);
        char chunk[65536];
        while (!m_stop) {
            const int n = epoll_wait(m_epoll, ready.data(), int(ready.size()), 100);
            for (int i = 0; i < n; ++i) {
                const uint32_t index = ready[size_t(i)].data.u32;
                const ssize_t got = ::recv(m_fds[index], chunk, sizeof chunk, MSG_DONTWAIT);
                if (got <= 0) {
                    epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_fds[index], nullptr);
                    continue;
                }
                consume(m_buffers[index], chunk, size_t(got));
            }
        }
    }
    // Complete lines only; the rest waits for the next read.
    void consume(std::string &buffer, const char *data, size_t size)
    {
        buffer.append(data, size);
        const int64_t now = nowNs();
        size_t lineStart = 0;
        for (size_t end; (end = buffer.find('\n', lineStart)) != std::string::npos; lineStart = end + 1) {
            static constexpr char kPrefix[] = "data: [\"";
            if (buffer.compare(lineStart, sizeof kPrefix - 1, kPrefix) == 0) {
                latencies.add(now - std::atoll(buffer.c_str() + lineStart + sizeof kPrefix - 1));
                m_received.fetch_add(1, std::memory_order_relaxed);
            }
        }
        buffer.erase(0, lineStart);
    }

    std::atomic<long> &m_received;
    std::atomic<bool> m_stop{false};
    int m_epoll = -1;
    std::vector<int> m_fds;
    std::vector<std::string> m_buffers;
    std::thread m_thread;
};

void runSse(const Options &o)
{
    const std::vector<std::string> sessionIds = createSessions(o);
    std::atomic<long> received{0};
    SseReaders readers(o, sessionIds, received);
    std::this_thread::sleep_for(std::chrono::seconds(3)); // let every stream subscribe
    measureFanOut("sse", o, sessionIds, received, nullptr, [&] {
        readers.stop();
        return readers.latencies;
    }, 0);
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv);
    if (options.runs("unary") && options.unarySecs > 0)
        runUnary(options);
    if (options.runs("rest") && options.unarySecs > 0)
        runRest(options);
    if (options.runs("streams") && options.streams > 0)
        runStreams(options);
    if (options.runs("sse") && options.streams > 0)
        runSse(options);
    return 0;
}
