#include "sessiontestbed.h"

#include <sm/plugin.h>
#include <sm/store.h>

using namespace sm;

SessionTestBed::SessionTestBed(ClockMode clock)
    : m_clockMode(clock), m_loader(QStringLiteral(SM_STORE_SQLITE_PLUGIN))
{
    m_log.setLevel(LogLevel::Error);
}

SessionTestBed::~SessionTestBed()
{
    m_sweeper.reset();
    m_service.reset();
    if (m_store)
        m_store->stop();
    m_store.reset();
}

bool SessionTestBed::open(QString *error)
{
    auto fail = [error](const QString &why) {
        *error = why;
        return false;
    };
    const QJsonObject schema = m_loader.metaData().value("MetaData").toObject().value("config").toObject();
    if (auto loaded = m_config.loadSetArguments({"data_dir=" + m_dir.path()}); !loaded.ok())
        return fail(loaded.error().message);
    if (auto registered = m_config.registerPlugin("store-sqlite", schema); !registered.ok())
        return fail(registered.error().message);
    if (auto resolved = m_config.resolve(); !resolved.ok())
        return fail(resolved.error().message);

    auto *plugin = qobject_cast<Plugin *>(m_loader.instance());
    if (!plugin)
        return fail(m_loader.errorString());
    m_streams = std::make_unique<SessionStreamHub>(SessionStreamHub::Options{1, 64, 1 << 20}, m_logger,
                                                   m_metrics);
    m_services = PluginHostContext::Services{&m_config, &m_log, &m_metrics, nullptr, m_streams.get(),
                                             nullptr, nullptr};
    m_context = std::make_unique<PluginHostContext>("store-sqlite", m_services);
    if (auto configured = plugin->configure(*m_context); !configured.ok())
        return fail(configured.error().message);
    m_store = std::make_unique<StoreExecutor>(plugin->storeFactory()->createStore(), m_logger);
    if (auto opened = m_store->start(); !opened.ok())
        return fail(opened.error().message);
    m_service = std::make_unique<SessionServiceCore>(SessionServiceCore::Options{3600, 86400, 900}, *m_store,
                                                     *m_streams, m_logger, m_metrics,
                                                     m_clockMode == ClockMode::Manual
                                                         ? SessionServiceCore::Clock([this] { return m_now; })
                                                         : SessionServiceCore::Clock());
    m_sweeper = std::make_unique<ExpirySweeper>(ExpirySweeper::Options{}, *m_service, *m_store, m_logger);
    return true;
}

void SessionTestBed::sweep()
{
    QEventLoop loop;
    m_sweeper->sweepNow([&loop] { loop.quit(); });
    loop.exec();
}
