#pragma once

#include <sm/http.h>

namespace sm {

// How a response is framed on its connection.
struct HttpFraming {
    bool keepAlive = true;  // else "Connection: close" and the connection ends after it
    bool omitBody = false;  // HEAD: headers (with the body's length) but no body
    bool streaming = false; // body written over time, ended by closing the connection
};

// The bytes of a response as they go on the wire. Framing headers set by a handler
// (Content-Length, Connection, Transfer-Encoding) are replaced by the listener's.
QByteArray encodeHttpResponse(const HttpResponse &response, const HttpFraming &framing);

} // namespace sm
