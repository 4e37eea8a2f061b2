#include "serverprobe.h"

#include "connectionconfig.h"

#include <libpq-fe.h>

namespace smpg {

ServerProbe::Status ServerProbe::probe(const ConnectionConfig &config)
{
    switch (PQping(config.conninfo().toUtf8().constData())) {
    case PQPING_OK:
        return Status::Accepting;
    case PQPING_NO_ATTEMPT:
        return Status::BadParameters;
    case PQPING_REJECT:
    case PQPING_NO_RESPONSE:
        break;
    }
    return Status::NotAccepting;
}

} // namespace smpg
