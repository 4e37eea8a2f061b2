#include "grpceventreader.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>

GrpcEventReader::GrpcEventReader(quint16 port, const QString &token, const sm::v1::StreamEventsRequest &request)
{
    m_context.AddMetadata("authorization", "Bearer " + token.toStdString());
    m_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
    m_thread = std::thread(&GrpcEventReader::read, this, sm::v1::SessionService::NewStub(channel), request);
}

GrpcEventReader::~GrpcEventReader()
{
    m_context.TryCancel();
    m_thread.join();
}

QList<sm::v1::Event> GrpcEventReader::events() const
{
    std::lock_guard lock(m_mutex);
    return m_events;
}

std::optional<grpc::Status> GrpcEventReader::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

void GrpcEventReader::read(std::unique_ptr<sm::v1::SessionService::Stub> stub, sm::v1::StreamEventsRequest request)
{
    auto reader = stub->StreamEvents(&m_context, request);
    sm::v1::Event event;
    while (reader->Read(&event)) {
        std::lock_guard lock(m_mutex);
        m_events << event;
    }
    const grpc::Status finished = reader->Finish();
    std::lock_guard lock(m_mutex);
    m_status = finished;
}
