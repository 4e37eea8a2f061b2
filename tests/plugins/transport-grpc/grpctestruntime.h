#pragma once

#include "runtimeprocess.h"

#include "session.grpc.pb.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <QByteArray>
#include <QString>

#include <memory>

// A real session-manager process with the transport-grpc plugin on an ephemeral port
// (read back from the plugin's "listening" log line), store-sqlite in a temporary
// directory and back-ends in process, plus the client-side helpers the suites share.
class GrpcTestRuntime {
public:
    GrpcTestRuntime();

    void addSetting(const QString &key, const QString &value) { m_process.addSetting(key, value); }
    bool start();
    int stop() { return m_process.stop(); }
    RuntimeProcess &process() { return m_process; }
    quint16 grpcPort() const { return m_grpcPort; }

    std::shared_ptr<grpc::Channel> channel(int maxReceiveBytes = -1) const;
    std::unique_ptr<sm::v1::SessionService::Stub> stub() const;
    QString token(const QString &user, const QString &role = QStringLiteral("user")) const;

    // POST /sessions/{id}/events with a service token; the new event's id, or empty.
    QByteArray publish(const QString &sessionId, const QByteArray &type, const QByteArray &dataJson);
    // The /metrics text.
    QByteArray metrics();

private:
    RuntimeProcess m_process;
    quint16 m_grpcPort = 0;
    QString m_serviceToken;
};

// Adds `authorization: Bearer <token>` and a deadline (default 10 s) to a client context.
void authorize(grpc::ClientContext &context, const QString &token, int deadlineMs = 10000);
// The ErrorInfo code of a failed status, from its details; empty without details.
QString errorCode(const grpc::Status &status);
