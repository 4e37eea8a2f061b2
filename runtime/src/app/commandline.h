#pragma once

#include "host/bootstrap.h"

#include <QStringList>

namespace sm {

// `session-manager <command> [options]`: parses the command line and runs one of
// run | plugins | config | token. Returns the process exit code.
class CommandLine {
public:
    static int exec(const QStringList &arguments);

private:
    static int run(Bootstrap &bootstrap);
    static int listPlugins(Bootstrap &bootstrap);
    static int printConfig(Bootstrap &bootstrap);
    static int issueToken(Bootstrap &bootstrap, const QString &user, const QString &role, qint64 ttlSecs);
};

} // namespace sm
