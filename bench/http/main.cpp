// Serves GET /json (a small JSON body) and GET /events (SSE) through sm::HttpListener
// for load tools:  bench_http_listener [port] [--log]
//   wrk -t2 -c64 -d10s --latency http://127.0.0.1:<port>/json
// --log writes the access log lines (to stderr) to measure their cost too.
#include "http/eventloopsetup.h"
#include "http/httplistener.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>

namespace {
class StderrLogger : public sm::Logger {
public:
    explicit StderrLogger(bool on) : m_on(on) {}
    void log(sm::LogLevel, const QString &message, const QJsonObject &fields) override
    {
        QJsonObject line = fields;
        line.insert("message", message);
        std::fprintf(stderr, "%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    }
    bool enabled(sm::LogLevel) const override { return m_on; }

private:
    bool m_on;
};
} // namespace

int main(int argc, char **argv)
{
    sm::preferUnixEventDispatcher();
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    StderrLogger logger(args.contains("--log"));
    sm::HttpListenerOptions options;
    options.listenAddress = QStringLiteral("127.0.0.1:%1").arg(args.value(1, "0").toUShort());
    sm::HttpListener listener(options, logger);
    listener.addRoute("GET", "/json", [](const sm::HttpExchangePtr &e) {
        e->respond(sm::HttpResponse::json(200, QJsonObject{{"status", "ok"}, {"n", 42}}));
    });
    listener.addRoute("GET", "/events", [](const sm::HttpExchangePtr &e) {
        if (auto stream = e->startStream(200, {{"Content-Type", "text/event-stream"}}))
            stream->write("retry: 1000\n\ndata: hello\n\n");
    });
    if (const auto listening = listener.listen(); !listening) {
        std::fprintf(stderr, "%s\n", qPrintable(listening.error().message));
        return 1;
    }
    std::printf("listening on port %u\n", listener.port());
    std::fflush(stdout);
    return app.exec();
}
