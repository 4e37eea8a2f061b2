#include "attachclient.h"

#include <chrono>

using namespace sm::worker::v1;

AttachClient::AttachClient(quint16 port)
    : m_channel(grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()))
    , m_stub(Worker::NewStub(m_channel))
    , m_stream(m_stub->Attach(&m_context))
    , m_reader([this] { readLoop(); })
{
}

// An event batch is kept as its events, one message each: it means exactly that.
void AttachClient::receive(Message &&message)
{
    const auto now = std::chrono::steady_clock::now();
    if (!message.has_event_batch()) {
        m_received.push_back(std::move(message));
        m_receivedAt.push_back(now);
        return;
    }
    ++m_batches;
    for (sm::worker::v1::Event &event : *message.mutable_event_batch()->mutable_events()) {
        Message single;
        single.mutable_event()->Swap(&event);
        m_received.push_back(std::move(single));
        m_receivedAt.push_back(now);
    }
}

AttachClient::~AttachClient()
{
    m_context.TryCancel();
    m_reader.join();
}

void AttachClient::readLoop()
{
    Message message;
    while (m_stream->Read(&message)) {
        std::lock_guard lock(m_mutex);
        receive(std::move(message));
        message.Clear();
        m_changed.notify_all();
    }
    const grpc::Status status = m_stream->Finish();
    std::lock_guard lock(m_mutex);
    m_end = status;
    m_changed.notify_all();
}

bool AttachClient::send(const RuntimeMessage &message)
{
    return m_stream->Write(message);
}

std::optional<AttachClient::Message> AttachClient::waitFor(const std::function<bool(const Message &)> &match,
                                                           int timeoutMs)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::unique_lock lock(m_mutex);
    while (true) {
        for (; m_scanFrom < m_received.size(); ++m_scanFrom) {
            if (match(m_received[m_scanFrom]))
                return m_received[m_scanFrom++];
        }
        if (m_end || m_changed.wait_until(lock, deadline) == std::cv_status::timeout)
            return std::nullopt;
    }
}

std::vector<AttachClient::Message> AttachClient::received()
{
    std::lock_guard lock(m_mutex);
    return m_received;
}

std::optional<grpc::Status> AttachClient::waitForEnd(int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return m_end.has_value(); });
    return m_end;
}

RuntimeMessage AttachClient::hello(quint32 snapshotIntervalMs)
{
    RuntimeMessage message;
    message.mutable_hello()->set_runtime_id("tst_workerprocess");
    message.mutable_hello()->set_heartbeat_interval_ms(1000);
    message.mutable_hello()->set_snapshot_interval_ms(snapshotIntervalMs);
    return message;
}

RuntimeMessage AttachClient::assign(const std::string &sessionId, quint64 seed)
{
    RuntimeMessage message;
    message.mutable_assign()->set_session_id(sessionId);
    message.mutable_assign()->set_seed(seed);
    return message;
}

RuntimeMessage AttachClient::request(quint64 callId, const std::string &sessionId, const std::string &bodyJson)
{
    RuntimeMessage message;
    Request *request = message.mutable_request();
    request->set_call_id(callId);
    request->set_session_id(sessionId);
    request->set_body_json(bodyJson);
    return message;
}

std::vector<std::chrono::steady_clock::time_point> AttachClient::receivedAt()
{
    std::lock_guard lock(m_mutex);
    return m_receivedAt;
}

int AttachClient::batchesReceived()
{
    std::lock_guard lock(m_mutex);
    return m_batches;
}
