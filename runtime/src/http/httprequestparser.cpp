#include "http/httprequestparser.h"

namespace sm {

namespace {

constexpr int kMaxChunkLineBytes = 1024;

bool isTokenChar(char c)
{
    static constexpr QByteArrayView extra = "!#$%&'*+-.^_`|~";
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || extra.contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool hasControlChars(QByteArrayView text)
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

bool headerHasToken(const QByteArray &value, QByteArrayView token)
{
    for (const QByteArray &part : value.split(','))
        if (trimmed(part).compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

// Turns an absolute-form target ("http://host/path") into origin-form.
QByteArray originForm(QByteArrayView target)
{
    if (target.startsWith('/') || target == "*")
        return target.toByteArray();
    const qsizetype scheme = target.indexOf("://");
    if (scheme <= 0)
        return {};
    const qsizetype path = target.indexOf('/', scheme + 3);
    return path < 0 ? QByteArray("/") : target.sliced(path).toByteArray();
}

} // namespace

QByteArray ParsedRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers)
        if (key == name)
            return value;
    return {};
}

bool ParsedRequest::wantsClose() const
{
    const QByteArray connection = header("connection");
    if (http10)
        return !headerHasToken(connection, "keep-alive");
    return headerHasToken(connection, "close");
}

bool ParsedRequest::expectsContinue() const
{
    return !http10 && header("expect").compare("100-continue", Qt::CaseInsensitive) == 0;
}

bool ParsedRequest::isWebSocketUpgrade() const
{
    return method == "GET" && headerHasToken(header("connection"), "upgrade")
           && header("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
}

void HttpRequestParser::feed(QByteArrayView bytes)
{
    if (m_error)
        return;
    m_buffer.append(bytes);
    while (!m_error && step()) {
    }
    // Drop what was consumed; keeps the buffer to one partial line or body piece.
    m_buffer.remove(0, m_pos);
    m_pos = 0;
}

std::optional<ParsedRequest> HttpRequestParser::next()
{
    if (m_complete.isEmpty())
        return std::nullopt;
    return m_complete.takeFirst();
}

// Advances one state; false when more bytes are needed or the request failed.
bool HttpRequestParser::step()
{
    switch (m_state) {
    case State::Head: return parseHeadLines();
    case State::FixedBody: return readFixedBody();
    case State::ChunkSize: return readChunkSize();
    case State::ChunkData: return readChunkData();
    case State::ChunkDataEnd: return readChunkDataEnd();
    case State::Trailers: return readTrailers();
    }
    return false;
}

// A line ending in LF (a preceding CR is dropped), or nothing while it is still
// incomplete. Sets `tooLong` instead of waiting for more than `limit` bytes.
std::optional<QByteArrayView> HttpRequestParser::takeLine(int limit, bool &tooLong)
{
    const qsizetype end = m_buffer.indexOf('\n', m_pos);
    tooLong = (end < 0 ? m_buffer.size() : end + 1) - m_pos > limit;
    if (end < 0 || tooLong)
        return std::nullopt;
    QByteArrayView line(m_buffer.constData() + m_pos, end - m_pos);
    m_pos = end + 1;
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

bool HttpRequestParser::parseHeadLines()
{
    const qsizetype before = m_pos;
    bool tooLong = false;
    const std::optional<QByteArrayView> line =
        takeLine(int(m_limits.maxHeaderBytes - m_current.headBytes), tooLong);
    if (tooLong) {
        return m_sawRequestLine
                   ? fail(431, "headers_too_large", QStringLiteral("request headers are too large"))
                   : fail(414, "uri_too_long", QStringLiteral("request line is too long"));
    }
    if (!line)
        return false;
    m_current.headBytes += m_pos - before;
    if (!m_sawRequestLine) {
        if (line->isEmpty()) { // tolerated between pipelined requests (RFC 9112 2.2)
            m_current.headBytes = 0;
            return true;
        }
        return parseRequestLine(*line);
    }
    return line->isEmpty() ? finishHead() : parseHeaderLine(*line);
}

bool HttpRequestParser::parseRequestLine(QByteArrayView line)
{
    const QList<QByteArray> parts = line.toByteArray().split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || hasControlChars(parts[1]))
        return fail(400, "bad_request", QStringLiteral("malformed request line"));
    const QByteArray &version = parts[2];
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        const bool wellFormed = version.size() == 8 && version.startsWith("HTTP/")
                                && version[5] >= '0' && version[5] <= '9' && version[6] == '.';
        return wellFormed ? fail(505, "http_version_not_supported",
                                 QStringLiteral("only HTTP/1.0 and HTTP/1.1 are supported"))
                          : fail(400, "bad_request", QStringLiteral("malformed HTTP version"));
    }
    m_current.target = originForm(parts[1]);
    if (m_current.target.isEmpty())
        return fail(400, "bad_request", QStringLiteral("malformed request target"));
    m_current.method = parts[0];
    m_current.http10 = version == "HTTP/1.0";
    m_sawRequestLine = true;
    return true;
}

bool HttpRequestParser::parseHeaderLine(QByteArrayView line)
{
    if (line.front() == ' ' || line.front() == '\t')
        return fail(400, "bad_request", QStringLiteral("folded header lines are not accepted"));
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView name = colon > 0 ? line.first(colon) : QByteArrayView();
    const QByteArrayView value = colon > 0 ? trimmed(line.sliced(colon + 1)) : QByteArrayView();
    if (!isToken(name) || hasControlChars(value))
        return fail(400, "bad_request", QStringLiteral("malformed header line"));
    if (m_current.headers.size() >= m_limits.maxHeaderCount)
        return fail(431, "headers_too_large", QStringLiteral("too many request headers"));
    m_current.headers.append({name.toByteArray().toLower(), value.toByteArray()});
    return true;
}

bool HttpRequestParser::finishHead()
{
    if (!m_current.http10 && m_current.header("host").isEmpty())
        return fail(400, "bad_request", QStringLiteral("missing Host header"));

    const QByteArray transferEncoding = m_current.header("transfer-encoding");
    QByteArray contentLength;
    for (const auto &[key, value] : m_current.headers) {
        if (key != "content-length")
            continue;
        if (!contentLength.isNull() && value != contentLength)
            return fail(400, "bad_request", QStringLiteral("conflicting Content-Length headers"));
        contentLength = value;
    }

    if (!transferEncoding.isNull()) {
        // Both framings at once is the classic request-smuggling shape: refuse it.
        if (!contentLength.isNull())
            return fail(400, "bad_request",
                        QStringLiteral("Content-Length and Transfer-Encoding together"));
        if (trimmed(transferEncoding.split(',').last()).compare("chunked", Qt::CaseInsensitive) != 0)
            return fail(501, "not_implemented", QStringLiteral("unsupported Transfer-Encoding"));
        m_state = State::ChunkSize;
        return true;
    }
    if (contentLength.isNull()) {
        completeRequest();
        return true;
    }
    bool ok = contentLength.size() <= 18
              && std::all_of(contentLength.begin(), contentLength.end(),
                                 [](char c) { return c >= '0' && c <= '9'; });
    const qint64 length = ok ? contentLength.toLongLong(&ok) : -1;
    if (!ok)
        return fail(400, "bad_request", QStringLiteral("malformed Content-Length"));
    if (length > m_limits.maxBodyBytes)
        return fail(413, "payload_too_large",
                    QStringLiteral("request body exceeds %1 bytes").arg(m_limits.maxBodyBytes));
    m_remaining = length;
    m_state = State::FixedBody;
    if (length == 0)
        completeRequest();
    return true;
}

bool HttpRequestParser::readFixedBody()
{
    const qint64 available = qMin<qint64>(m_remaining, m_buffer.size() - m_pos);
    if (available == 0)
        return false;
    m_current.body.append(m_buffer.constData() + m_pos, available);
    m_pos += available;
    m_remaining -= available;
    if (m_remaining == 0)
        completeRequest();
    return true;
}

bool HttpRequestParser::readChunkSize()
{
    bool tooLong = false;
    const std::optional<QByteArrayView> line = takeLine(kMaxChunkLineBytes, tooLong);
    if (tooLong)
        return fail(400, "bad_request", QStringLiteral("chunk size line is too long"));
    if (!line)
        return false;
    QByteArrayView size = *line;
    if (const qsizetype ext = size.indexOf(';'); ext >= 0)
        size = size.first(ext);
    size = trimmed(size);
    bool ok = !size.isEmpty() && size.size() <= 15;
    const qint64 length = ok ? size.toLongLong(&ok, 16) : -1;
    if (!ok || length < 0)
        return fail(400, "bad_request", QStringLiteral("malformed chunk size"));
    if (m_current.body.size() + length > m_limits.maxBodyBytes)
        return fail(413, "payload_too_large",
                    QStringLiteral("request body exceeds %1 bytes").arg(m_limits.maxBodyBytes));
    m_remaining = length;
    m_state = length == 0 ? State::Trailers : State::ChunkData;
    return true;
}

bool HttpRequestParser::readChunkData()
{
    const qint64 available = qMin<qint64>(m_remaining, m_buffer.size() - m_pos);
    if (available == 0)
        return false;
    m_current.body.append(m_buffer.constData() + m_pos, available);
    m_pos += available;
    m_remaining -= available;
    if (m_remaining == 0)
        m_state = State::ChunkDataEnd;
    return true;
}

bool HttpRequestParser::readChunkDataEnd()
{
    bool tooLong = false;
    const std::optional<QByteArrayView> line = takeLine(2, tooLong);
    if (tooLong || (line && !line->isEmpty()))
        return fail(400, "bad_request", QStringLiteral("chunk data longer than its size"));
    if (!line)
        return false;
    m_state = State::ChunkSize;
    return true;
}

// Trailer fields count against the header budget and are otherwise ignored.
bool HttpRequestParser::readTrailers()
{
    const qsizetype before = m_pos;
    bool tooLong = false;
    const std::optional<QByteArrayView> line =
        takeLine(int(m_limits.maxHeaderBytes - m_current.headBytes), tooLong);
    if (tooLong)
        return fail(431, "headers_too_large", QStringLiteral("request trailers are too large"));
    if (!line)
        return false;
    m_current.headBytes += m_pos - before;
    if (line->isEmpty())
        completeRequest();
    return true;
}

void HttpRequestParser::completeRequest()
{
    m_complete.append(std::move(m_current));
    m_current = ParsedRequest{};
    m_sawRequestLine = false;
    m_state = State::Head;
}

bool HttpRequestParser::fail(int status, QByteArray code, QString message)
{
    m_error = HttpParseError{status, std::move(code), std::move(message)};
    return false;
}

} // namespace sm
