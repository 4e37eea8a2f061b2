#include "http/eventloopsetup.h"

#include <QAbstractEventDispatcher>
#include <QProcess>
#include <QTest>

#include <cstdio>

namespace {
constexpr char kReportDispatcher[] = "--report-dispatcher";
constexpr char kReportPreferred[] = "--report-dispatcher-preferred";

QByteArray dispatcherOfChild(const char *mode)
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("QT_NO_GLIB");
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QString::fromLatin1(mode)});
    child.waitForFinished(10000);
    return child.readAllStandardOutput().trimmed();
}
} // namespace

class TestEventLoopSetup : public QObject {
    Q_OBJECT
private slots:
    // CTest runs every test with QT_NO_GLIB=1, as main() arranges for the runtime.
    void dispatcherIsNotGlibWhenQtNoGlibIsSet()
    {
        QCOMPARE(qgetenv("QT_NO_GLIB"), QByteArray("1"));
        const QByteArray name = QAbstractEventDispatcher::instance()->metaObject()->className();
        QVERIFY2(!name.contains("Glib"), name.constData());
        QVERIFY(!sm::usesGlibEventDispatcher());
    }

    // Shows the check can fail: without the variable Qt picks glib on this platform,
    // and preferUnixEventDispatcher() before QCoreApplication avoids it.
    void preferUnixEventDispatcherAvoidsTheGlibDefault()
    {
        QVERIFY(dispatcherOfChild(kReportDispatcher).contains("Glib"));
        const QByteArray preferred = dispatcherOfChild(kReportPreferred);
        QVERIFY(!preferred.isEmpty());
        QVERIFY2(!preferred.contains("Glib"), preferred.constData());
    }
};

int main(int argc, char **argv)
{
    const QByteArray mode = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    if (mode == kReportDispatcher || mode == kReportPreferred) {
        if (mode == kReportPreferred)
            sm::preferUnixEventDispatcher();
        QCoreApplication app(argc, argv);
        std::printf("%s\n", QAbstractEventDispatcher::instance()->metaObject()->className());
        return 0;
    }
    QCoreApplication app(argc, argv);
    TestEventLoopSetup test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_eventloopsetup.moc"
