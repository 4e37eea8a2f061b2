#include "runtimeprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtTest>

namespace {

struct Reply {
    int status = 0;
    QJsonObject body;
};

Reply send(const QByteArray &method, const QUrl &url, const QString &token = {}, const QJsonObject &body = {})
{
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    QNetworkReply *reply = manager.sendCustomRequest(request, method,
                                                     body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10000);
    Reply out{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
              QJsonDocument::fromJson(reply->readAll()).object()};
    reply->deleteLater();
    return out;
}

// The JSON log lines whose message is `message`, in order.
QList<QJsonObject> logLines(const QByteArray &output, const QString &message)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : output.split('\n')) {
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        if (object.value("message").toString() == message)
            lines.append(object);
    }
    return lines;
}

// The line of `listing` that starts with `prefix` (empty when there is none).
QByteArray lineOf(const QByteArray &listing, const QByteArray &prefix)
{
    for (const QByteArray &line : listing.split('\n')) {
        if (line.startsWith(prefix))
            return line;
    }
    return {};
}

} // namespace

class TestRuntimeHost : public QObject {
    Q_OBJECT

private slots:
    void versionAndHelpAnswerWithoutStarting()
    {
        const auto version = RuntimeProcess::runOnce({"--version"});
        QCOMPARE(version.first, 0);
        QVERIFY(version.second.startsWith("session-manager "));
        const auto help = RuntimeProcess::runOnce({"--help"});
        QCOMPARE(help.first, 0);
        for (const char *command : {"run", "plugins", "config", "token"})
            QVERIFY2(help.second.contains(command), command);
    }

    void pluginsCommandListsTheDefaultPluginsAsLoaded()
    {
        const auto listed = RuntimeProcess::runOnce({"plugins"});
        QCOMPARE(listed.first, 0);
        for (const char *id : {"store-sqlite", "transport-sse", "exchange-sim"})
            QVERIFY2(listed.second.contains(QByteArray(id) + " "), listed.second.constData());
        QVERIFY(listed.second.contains(" loaded "));
    }

    void onlyTheSelectedStorePluginIsLoaded()
    {
        const auto byDefault = RuntimeProcess::runOnce({"plugins"});
        QCOMPARE(byDefault.first, 0);
        QVERIFY2(lineOf(byDefault.second, "store-sqlite ").contains(" loaded "), byDefault.second.constData());
        QVERIFY2(lineOf(byDefault.second, "store-postgres ").contains(" disabled ")
                     && lineOf(byDefault.second, "store-postgres ").contains("not the selected store (store-sqlite)"),
                 byDefault.second.constData());

        const auto postgres = RuntimeProcess::runOnce({"plugins", "--set", "store=postgres"});
        QCOMPARE(postgres.first, 0);
        QVERIFY2(lineOf(postgres.second, "store-postgres ").contains(" loaded "), postgres.second.constData());
        QVERIFY2(lineOf(postgres.second, "store-sqlite ").contains("not the selected store (store-postgres)"),
                 postgres.second.constData());
    }

    void configCommandShowsWhereEachValueCameFrom()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SESSION_TTL", "120");
        const auto config = RuntimeProcess::runOnce({"config", "--set", "idle_timeout=30"}, env);
        QCOMPARE(config.first, 0);
        const QString text = QString::fromUtf8(config.second);
        QVERIFY(QRegularExpression("session_ttl\\s+120\\s+env SESSION_TTL").match(text).hasMatch());
        QVERIFY(QRegularExpression("idle_timeout\\s+30\\s+--set").match(text).hasMatch());
        QVERIFY(QRegularExpression("http_listen\\s+127.0.0.1:8080\\s+default").match(text).hasMatch());
    }

    void badConfigurationValueExitsWithOneLineNamingTheKey()
    {
        const auto bad = RuntimeProcess::runOnce({"run", "--set", "session_ttl=soon"});
        QCOMPARE(bad.first, 1);
        QVERIFY2(bad.second.contains("session_ttl"), bad.second.constData());
        QCOMPARE(bad.second.trimmed().count('\n'), 0);
    }

    void missingStorePluginStopsTheRuntimeWithOneLine()
    {
        RuntimeProcess runtime;
        runtime.addSetting("store", "nosuch");
        QVERIFY(!runtime.start(10000));
        QCOMPARE(runtime.stop(), 1);
        QVERIFY2(runtime.output().contains("session-manager: store plugin store-nosuch is not available"),
                 runtime.output().constData());
    }

    void refusedOptionalPluginDoesNotStopTheRuntime()
    {
        RuntimeProcess runtime;
        runtime.addSetting("disabled_plugins", "transport-sse");
        QVERIFY2(runtime.start(), runtime.output().constData());
        QCOMPARE(send("GET", runtime.url("/healthz")).status, 200);
        QCOMPARE(send("GET", runtime.url("/sessions/x")).status, 404); // no REST without the transport
    }

    void healthAndReadinessAnswerWithReasons()
    {
        RuntimeProcess runtime;
        QVERIFY2(runtime.start(), runtime.output().constData());
        QCOMPARE(send("GET", runtime.url("/healthz")).body.value("status").toString(), QString("ok"));
        const Reply ready = send("GET", runtime.url("/readyz"));
        QCOMPARE(ready.status, 200);
        QCOMPARE(ready.body.value("store").toString(), QString("reachable"));

        RuntimeProcess withoutBackend;
        withoutBackend.addSetting("disabled_plugins", "exchange-sim");
        QVERIFY2(withoutBackend.start(), withoutBackend.output().constData());
        const Reply notReady = send("GET", withoutBackend.url("/readyz"));
        QCOMPARE(notReady.status, 503);
        QCOMPARE(notReady.body.value("reasons").toArray().first().toString(), QString("no back-end available"));
    }

    void metricsAreServedInPrometheusTextFormat()
    {
        RuntimeProcess runtime;
        QVERIFY2(runtime.start(), runtime.output().constData());
        QNetworkAccessManager manager;
        QNetworkReply *reply = manager.get(QNetworkRequest(runtime.url("/metrics")));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith("text/plain"));
        const QByteArray text = reply->readAll();
        QVERIFY(text.contains("# TYPE sm_sessions_created_total counter"));
        delete reply;
    }

    void sigtermStopsPluginsInReverseStartOrderAndExitsCleanly()
    {
        RuntimeProcess runtime;
        QVERIFY2(runtime.start(), runtime.output().constData());
        QCOMPARE(runtime.stop(), 0);
        QStringList started;
        for (const QJsonObject &line : logLines(runtime.output(), "plugin started"))
            started << line.value("plugin").toString();
        QStringList stopped;
        for (const QJsonObject &line : logLines(runtime.output(), "plugin stopped"))
            stopped << line.value("plugin").toString();
        QVERIFY(started.size() >= 3);
        std::reverse(stopped.begin(), stopped.end());
        QCOMPARE(stopped, started);
        QCOMPARE(logLines(runtime.output(), "runtime stopped").size(), 1);
    }

    void sessionsSurviveARestartWithTheDefaultStore()
    {
        RuntimeProcess first;
        QVERIFY2(first.start(), first.output().constData());
        const QString token = first.token("alice");
        const Reply created = send("POST", first.url("/sessions"), token,
                                   QJsonObject{{"metadata", QJsonObject{{"client_version", "1.0.3"}}}});
        QCOMPARE(created.status, 201);
        const QString id = created.body.value("session_id").toString();
        QCOMPARE(first.stop(), 0);

        RuntimeProcess second;
        second.addSetting("data_dir", first.dataDir()); // the last --set wins
        QVERIFY2(second.start(), second.output().constData());
        const Reply fetched = send("GET", second.url("/sessions/" + id), token);
        QCOMPARE(fetched.status, 200);
        QCOMPARE(fetched.body.value("metadata").toObject().value("client_version").toString(), QString("1.0.3"));
    }

    void logLinesAreJsonObjectsWithTimeLevelComponentAndMessage()
    {
        RuntimeProcess runtime;
        QVERIFY2(runtime.start(), runtime.output().constData());
        send("GET", runtime.url("/healthz"));
        runtime.stop();
        int checked = 0;
        for (const QByteArray &line : runtime.output().split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            QVERIFY2(!object.isEmpty(), line.constData());
            for (const char *key : {"time", "level", "component", "message"})
                QVERIFY2(object.contains(key), line.constData());
            ++checked;
        }
        QVERIFY(checked >= 5);
        QVERIFY(!logLines(runtime.output(), "http request").first().value("request_id").toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeHost)
#include "tst_runtimehost.moc"
