#pragma once

#include "session.grpc.pb.h"

#include <grpcpp/client_context.h>

#include <QList>
#include <QString>

#include <mutex>
#include <optional>
#include <thread>

// A gRPC StreamEvents call read on its own thread (a blocking grpc++ reader must not stall
// the test's Qt event loop, which the SSE clients need): what arrived so far, and how the
// call ended. Cancels the call and joins the thread when destroyed.
class GrpcEventReader {
public:
    GrpcEventReader(quint16 port, const QString &token, const sm::v1::StreamEventsRequest &request);
    ~GrpcEventReader();

    QList<sm::v1::Event> events() const;
    // The final status once the server has ended the call.
    std::optional<grpc::Status> status() const;

private:
    void read(std::unique_ptr<sm::v1::SessionService::Stub> stub, sm::v1::StreamEventsRequest request);

    grpc::ClientContext m_context;
    mutable std::mutex m_mutex;
    QList<sm::v1::Event> m_events;
    std::optional<grpc::Status> m_status;
    std::thread m_thread;
};
