#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QPointer>
#include <QUrl>

#include <functional>

// One parsed Server-Sent-Events frame (comments and the retry field kept for checks).
struct SseFrame {
    QByteArray id;
    QByteArray event;
    QByteArray data;
    QByteArray comment;
    QByteArray retry;
};

// A streaming GET read incrementally, for tests of the SSE wire format.
class SseClient {
public:
    SseClient() = default;
    ~SseClient();

    // Opens `url` with `headers` and waits for the response head.
    bool open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 10000);
    int status() const;
    QByteArray header(const QByteArray &name) const;

    // Waits until `done(frames so far)` holds or the time is up; returns whether it held.
    bool waitUntil(const std::function<bool(const QList<SseFrame> &)> &done, int timeoutMs = 10000);
    // Waits until the server ends the response.
    bool waitForEnd(int timeoutMs = 10000);
    void close();

    const QByteArray &raw() const { return m_raw; }
    QList<SseFrame> frames() const;
    QList<SseFrame> events() const; // frames with an event name

private:
    QNetworkAccessManager m_manager;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_raw;
};
