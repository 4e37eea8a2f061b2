#pragma once

#include "worker.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QtGlobal>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

// The runtime's side of one Attach stream, synchronous: a thread reads every message the
// worker sends into a list the test waits on.
class AttachClient {
public:
    using Message = sm::worker::v1::WorkerMessage;

    explicit AttachClient(quint16 port);
    ~AttachClient();

    bool send(const sm::worker::v1::RuntimeMessage &message);
    // The first message after the previous match that satisfies `match`, waiting up to
    // `timeoutMs`; nullopt on timeout.
    std::optional<Message> waitFor(const std::function<bool(const Message &)> &match, int timeoutMs = 10000);
    // Everything received so far, in order; an event batch as its events, one message each.
    std::vector<Message> received();
    // When each of received() arrived, in the same order.
    std::vector<std::chrono::steady_clock::time_point> receivedAt();
    // How many event batches were among them.
    int batchesReceived();
    // Whether the worker ended the stream, and with which status (waits up to timeoutMs).
    std::optional<grpc::Status> waitForEnd(int timeoutMs = 10000);

    // Convenience builders.
    static sm::worker::v1::RuntimeMessage hello(quint32 snapshotIntervalMs);
    static sm::worker::v1::RuntimeMessage assign(const std::string &sessionId, quint64 seed);
    static sm::worker::v1::RuntimeMessage request(quint64 callId, const std::string &sessionId,
                                                  const std::string &bodyJson);

private:
    void readLoop();
    void receive(Message &&message); // under m_mutex

    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<sm::worker::v1::Worker::Stub> m_stub;
    grpc::ClientContext m_context;
    std::unique_ptr<grpc::ClientReaderWriter<sm::worker::v1::RuntimeMessage, Message>> m_stream;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Message> m_received;
    std::vector<std::chrono::steady_clock::time_point> m_receivedAt;
    size_t m_scanFrom = 0;
    int m_batches = 0;
    std::optional<grpc::Status> m_end;
    std::thread m_reader;
};
