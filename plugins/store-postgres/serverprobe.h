#pragma once

namespace smpg {

struct ConnectionConfig;

// Asks whether a PostgreSQL server accepts connections at the configured address, without
// logging in (libpq's PQping needs no valid user, password or database). It tells a server
// that is down or starting apart from one that is up and refused *us*: the first is worth
// waiting for, the second is a configuration that will not start working by itself.
class ServerProbe {
public:
    enum class Status {
        Accepting,     // the server answers and accepts connections
        NotAccepting,  // no answer, or starting up / shutting down / in recovery
        BadParameters, // libpq refused the connection parameters before trying
    };

    static Status probe(const ConnectionConfig &config);
};

} // namespace smpg
