#pragma once

#include <QStringList>

namespace sm {

// A connection's quality from 0 (unusable) to 100 (perfect), with the factors that cost
// the most points. The weights and ranges are documented in docs/dashboard.md; change
// them there too.
struct QualityScore {
    struct Inputs {
        double rttMs = -1;           // negative: unknown, costs nothing
        qint64 backlogBytes = 0;
        double flushMs = 0;
        quint64 recentDrops = 0;      // within the last minute
        quint64 recentReconnects = 0; // of the session, within the last five minutes
    };

    int score = 100;
    QStringList reasons; // factors that lost at least half their weight, worst first

    static QualityScore compute(const Inputs &inputs);
};

} // namespace sm
