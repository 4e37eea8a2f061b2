#include "sseclient.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QNetworkRequest>
#include <QTimer>

SseClient::~SseClient()
{
    close();
}

bool SseClient::open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setRawHeader("Accept", "text/event-stream");
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    m_reply = m_manager.get(request);
    QObject::connect(m_reply, &QNetworkReply::readyRead, m_reply, [this] { m_raw += m_reply->readAll(); });
    QEventLoop loop;
    QObject::connect(m_reply, &QNetworkReply::metaDataChanged, &loop, &QEventLoop::quit);
    QObject::connect(m_reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return status() != 0;
}

int SseClient::status() const
{
    return m_reply ? m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
}

QByteArray SseClient::header(const QByteArray &name) const
{
    return m_reply ? m_reply->rawHeader(name) : QByteArray();
}

bool SseClient::waitUntil(const std::function<bool(const QList<SseFrame> &)> &done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done(frames())) {
        if (deadline.hasExpired() || !m_reply)
            return false;
        QEventLoop loop;
        QObject::connect(m_reply, &QNetworkReply::readyRead, &loop, &QEventLoop::quit, Qt::QueuedConnection);
        QObject::connect(m_reply, &QNetworkReply::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
        QTimer::singleShot(std::max<qint64>(1, std::min<qint64>(100, deadline.remainingTime())), &loop,
                           &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

bool SseClient::waitForEnd(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_reply && !m_reply->isFinished() && !deadline.hasExpired()) {
        QEventLoop loop;
        QObject::connect(m_reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(100, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (m_reply)
        m_raw += m_reply->readAll();
    return m_reply && m_reply->isFinished();
}

void SseClient::close()
{
    if (m_reply) {
        m_reply->abort();
        m_reply->deleteLater();
    }
}

// A frame ends at a blank line; a trailing partial frame is not reported yet.
QList<SseFrame> SseClient::frames() const
{
    QList<SseFrame> frames;
    qsizetype start = 0;
    qsizetype end;
    while ((end = m_raw.indexOf("\n\n", start)) >= 0) {
        SseFrame frame;
        for (const QByteArray &line : m_raw.mid(start, end - start).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray field = colon < 0 ? line : line.left(colon);
            QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (field.isEmpty())
                frame.comment += value;
            else if (field == "id")
                frame.id = value;
            else if (field == "event")
                frame.event = value;
            else if (field == "data")
                frame.data += (frame.data.isEmpty() ? QByteArray() : QByteArray("\n")) + value;
            else if (field == "retry")
                frame.retry = value;
        }
        frames << frame;
        start = end + 2;
    }
    return frames;
}

QList<SseFrame> SseClient::events() const
{
    QList<SseFrame> events;
    for (const SseFrame &frame : frames()) {
        if (!frame.event.isEmpty())
            events << frame;
    }
    return events;
}
