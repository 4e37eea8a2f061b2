#pragma once

#include <sm/http.h>

#include <QByteArray>

#include <optional>

namespace sm {

// Limits the parser enforces while bytes arrive, before anything is buffered past them.
struct HttpParserLimits {
    qint64 maxBodyBytes = 1024 * 1024;
    int maxHeaderCount = 100;
    int maxHeaderBytes = 16 * 1024; // request line + header lines
};

// One request as framed on the wire, before routing.
struct ParsedRequest {
    QByteArray method;
    QByteArray target;     // origin-form, raw (still percent-encoded)
    bool http10 = false;
    HttpHeaders headers;   // names in lower case, arrival order
    QByteArray body;
    qint64 headBytes = 0;  // size of request line + headers on the wire

    QByteArray header(QByteArrayView name) const;
    bool wantsClose() const;
    bool expectsContinue() const;
    bool isWebSocketUpgrade() const;
};

// A request the parser refused; the connection answers it and closes, since the
// stream position of the next request is unknown.
struct HttpParseError {
    int status = 400;
    QByteArray code;
    QString message;
};

// Incremental HTTP/1.1 request framing (RFC 9112): request line, headers,
// Content-Length or chunked bodies. Pipelined requests come out one by one, in order.
// Limits are checked as bytes arrive, so an oversized head or body is refused
// before it is held in memory.
class HttpRequestParser {
public:
    explicit HttpRequestParser(HttpParserLimits limits) : m_limits(limits) {}

    void feed(QByteArrayView bytes);
    // The next complete request, if any. Call until empty after each feed().
    std::optional<ParsedRequest> next();
    const std::optional<HttpParseError> &error() const { return m_error; }

    // True while no byte of a following request has arrived.
    bool idle() const
    {
        return m_state == State::Head && !m_sawRequestLine && m_buffer.isEmpty() && !m_error;
    }
    // The head of the current request is complete and its body is still arriving.
    bool headComplete() const { return m_state != State::Head; }
    const ParsedRequest &current() const { return m_current; }

private:
    enum class State { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers };

    bool step();
    bool parseHeadLines();
    bool parseRequestLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line);
    bool finishHead();
    bool readFixedBody();
    bool readChunkSize();
    bool readChunkData();
    bool readChunkDataEnd();
    bool readTrailers();
    std::optional<QByteArrayView> takeLine(int limit, bool &tooLong);
    bool appendBody(QByteArrayView bytes);
    void completeRequest();
    bool fail(int status, QByteArray code, QString message);

    HttpParserLimits m_limits;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    State m_state = State::Head;
    ParsedRequest m_current;
    bool m_sawRequestLine = false;
    qint64 m_remaining = 0;
    QList<ParsedRequest> m_complete;
    std::optional<HttpParseError> m_error;
};

} // namespace sm
