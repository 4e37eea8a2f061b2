// Figures for the worker pool (see issue 5, "Speed"):
//   1. POST /sessions/{id}/request round trip (REST -> worker -> reply) at a fixed
//      1,000 requests/s: p50/p99;
//   2. throughput at saturation (64 requests outstanding);
//   3. failover: from `kill -9` of a session's worker to the first answered request of
//      that session, p50/p99 over 20 kills.
// Usage: bench_workers [seconds=5] [workers=2]. The runtime runs with WORKER_COUNT=workers
// (0: back-ends in process, the baseline) and the exchange-sim back-end; the client is
// this process (Qt's HTTP client), on the same machine.
#include "apiclient.h"
#include "runtimeprocess.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

class Load {
public:
    Load(QUrl base, QString token, QStringList sessions)
        : m_base(std::move(base)), m_token(std::move(token)), m_sessions(std::move(sessions))
    {
    }

    // Sends at `rate` requests/s for `seconds` (rate 0: keep `outstanding` in flight).
    void run(int rate, int outstanding, int seconds)
    {
        m_latenciesMs.clear();
        m_errors = 0;
        m_clock.start();
        m_endMs = qint64(seconds) * 1000;
        QEventLoop loop;
        m_loop = &loop;
        QTimer pacer;
        if (rate > 0) {
            pacer.setTimerType(Qt::PreciseTimer);
            QObject::connect(&pacer, &QTimer::timeout, &loop, [this, rate] {
                const qint64 due = m_clock.elapsed() * rate / 1000;
                while (m_sent < due && m_clock.elapsed() < m_endMs)
                    send();
            });
            pacer.start(1);
        } else {
            for (int i = 0; i < outstanding; ++i)
                send();
        }
        m_keepSending = rate == 0;
        QTimer::singleShot(seconds * 1000 + 2000, &loop, &QEventLoop::quit);
        loop.exec();
        m_elapsedMs = m_clock.elapsed();
    }

    const std::vector<double> &latenciesMs() const { return m_latenciesMs; }
    int errors() const { return m_errors; }
    qint64 spanMs() const { return std::min(m_elapsedMs, m_endMs); }

private:
    void send()
    {
        const QString session = m_sessions.at(int(m_sent++ % m_sessions.size()));
        QNetworkRequest request(m_base.resolved(QUrl("/sessions/" + session + "/request")));
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        const qint64 startNs = m_clock.nsecsElapsed();
        ++m_inFlight;
        QNetworkReply *reply = m_manager.post(request, QByteArray(R"({"type":"positions"})"));
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, startNs] {
            --m_inFlight;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                m_latenciesMs.push_back(double(m_clock.nsecsElapsed() - startNs) / 1e6);
            else
                ++m_errors;
            reply->deleteLater();
            const bool running = m_clock.elapsed() < m_endMs;
            if (m_keepSending && running)
                send();
            if (!running && m_inFlight == 0)
                m_loop->quit();
        });
    }

    QUrl m_base;
    QString m_token;
    QStringList m_sessions;
    QNetworkAccessManager m_manager;
    QElapsedTimer m_clock;
    QEventLoop *m_loop = nullptr;
    std::vector<double> m_latenciesMs;
    qint64 m_sent = 0;
    qint64 m_endMs = 0;
    qint64 m_elapsedMs = 0;
    int m_inFlight = 0;
    int m_errors = 0;
    bool m_keepSending = false;
};

QString workerPidOf(ApiClient &api, const QString &admin, const QString &session, qint64 &pid)
{
    const QString worker = api.send("GET", "/admin/sessions/" + session + "/worker", admin).json().value("worker").toString();
    for (const QJsonValue &entry : api.send("GET", "/admin/workers", admin).json().value("workers").toArray()) {
        if (entry.toObject().value("id").toString() == worker)
            pid = entry.toObject().value("pid").toInteger();
    }
    return worker;
}

bool waitForLive(ApiClient &api, const QString &admin, int count)
{
    QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        int live = 0;
        for (const QJsonValue &entry : api.send("GET", "/admin/workers", admin).json().value("workers").toArray())
            live += entry.toObject().value("state").toString() == QLatin1String("live");
        if (live == count)
            return true;
        QTest::qWait(20);
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int seconds = argc > 1 ? std::max(1, atoi(argv[1])) : 5;
    // 0: back-ends in the runtime process, the baseline the worker hop is compared with.
    const int workers = argc > 2 ? std::max(0, atoi(argv[2])) : 2;
    RuntimeProcess runtime;
    runtime.addSetting("worker_count", QString::number(workers));
    if (!runtime.start()) {
        std::fprintf(stderr, "runtime did not start:\n%s\n", runtime.output().constData());
        return 1;
    }
    ApiClient api(runtime.url("/"));
    const QString alice = runtime.token("alice");
    const QString admin = runtime.token("ops", "admin");
    if (workers > 0 && !waitForLive(api, admin, workers))
        return 1;
    QStringList sessions;
    for (int i = 0; i < 16; ++i) {
        const QString id = api.send("POST", "/sessions", alice, "{}").json().value("session_id").toString();
        api.send("POST", "/sessions/" + id + "/request", alice, R"({"type":"positions"})");
        sessions.append(id);
    }

    Load load(runtime.url("/"), alice, sessions);
    load.run(1000, 0, seconds);
    std::printf("round trip at 1000 req/s for %d s: %zu ok, %d errors, p50 %.3f ms, p99 %.3f ms\n", seconds,
                load.latenciesMs().size(), load.errors(), percentile(load.latenciesMs(), 0.5),
                percentile(load.latenciesMs(), 0.99));
    load.run(0, 64, seconds);
    std::printf("saturation (64 outstanding) for %d s: %.0f req/s, %d errors, p50 %.3f ms, p99 %.3f ms\n", seconds,
                double(load.latenciesMs().size()) * 1000.0 / double(std::max<qint64>(1, load.spanMs())),
                load.errors(), percentile(load.latenciesMs(), 0.5), percentile(load.latenciesMs(), 0.99));

    std::vector<double> failoverMs;
    for (int kill = 0; workers > 0 && kill < 20; ++kill) {
        const QString session = sessions.at(kill % sessions.size());
        qint64 pid = 0;
        workerPidOf(api, admin, session, pid);
        if (pid <= 0 || !waitForLive(api, admin, workers))
            break;
        QElapsedTimer sinceKill;
        ::kill(pid_t(pid), SIGKILL);
        sinceKill.start();
        while (api.send("POST", "/sessions/" + session + "/request", alice, R"({"type":"positions"})").status != 200
               && sinceKill.elapsed() < 10000) {
        }
        failoverMs.push_back(double(sinceKill.nsecsElapsed()) / 1e6);
    }
    std::printf("failover over %zu kills: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", failoverMs.size(),
                percentile(failoverMs, 0.5), percentile(failoverMs, 0.99),
                failoverMs.empty() ? 0.0 : *std::max_element(failoverMs.begin(), failoverMs.end()));
    runtime.stop();
    return 0;
}
