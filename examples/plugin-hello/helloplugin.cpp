#include "helloplugin.h"

#include <sm/hostcontext.h>

namespace hello {

// The host fills in the default from hello.json, so anything but a string means the
// operator set "hello.greeting" to the wrong type.
sm::Result<void> HelloPlugin::configure(sm::HostContext &host)
{
    const QJsonValue greeting = host.setting(QStringLiteral("greeting"));
    if (!greeting.isString())
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("setting \"greeting\" must be a string"));
    m_factory.setGreeting(greeting.toString());
    return {};
}

sm::Result<void> HelloPlugin::start()
{
    return {};
}

void HelloPlugin::stop() {}

} // namespace hello
