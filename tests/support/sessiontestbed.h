#pragma once

#include "config/config.h"
#include "host/pluginhostcontext.h"
#include "logging/jsonlogger.h"
#include "metrics/metricsregistry.h"
#include "sessions/expirysweeper.h"
#include "sessions/sessionservicecore.h"
#include "sessions/storeexecutor.h"
#include "streams/sessionstreamhub.h"

#include <QDateTime>
#include <QEventLoop>
#include <QPluginLoader>
#include <QTemporaryDir>

#include <memory>

// A session service on the real SQLite store plugin (loaded from its module as the
// runtime loads it) in a temporary directory. With a manual clock the test moves time by
// hand; otherwise it is the wall clock.
class SessionTestBed {
public:
    enum class ClockMode { Manual, Wall };
    explicit SessionTestBed(ClockMode clock = ClockMode::Manual);
    ~SessionTestBed();

    bool open(QString *error);

    sm::SessionServiceCore &service() { return *m_service; }
    sm::SessionStreamHub &streams() { return *m_streams; }
    sm::ExpirySweeper &sweeper() { return *m_sweeper; }
    sm::StoreExecutor &storeExecutor() { return *m_store; }
    QString dataDir() const { return m_dir.path(); }
    void advance(qint64 secs) { m_now = m_now.addSecs(secs); }
    QDateTime now() const { return m_now; }
    void sweep();

    // Runs the event loop until `call` answers.
    template <typename T, typename Call>
    sm::Result<T> await(Call call)
    {
        std::optional<sm::Result<T>> out;
        QEventLoop loop;
        call([&](sm::Result<T> result) {
            out.emplace(std::move(result));
            loop.quit();
        });
        if (!out)
            loop.exec();
        return std::move(*out);
    }

private:
    ClockMode m_clockMode;
    QTemporaryDir m_dir;
    QDateTime m_now = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
    sm::Config m_config;
    sm::JsonLogger m_log;
    sm::JsonLogger::Component m_logger{m_log, "test"};
    sm::MetricsRegistry m_metrics;
    QPluginLoader m_loader;
    sm::PluginHostContext::Services m_services;
    std::unique_ptr<sm::PluginHostContext> m_context;
    std::unique_ptr<sm::SessionStreamHub> m_streams;
    std::unique_ptr<sm::StoreExecutor> m_store;
    std::unique_ptr<sm::SessionServiceCore> m_service;
    std::unique_ptr<sm::ExpirySweeper> m_sweeper;
};
