#include "config/configschema.h"

#include <QFile>
#include <QtTest>

// The README's configuration table is the generated one: operators read the README,
// the code defines the keys, and they must not drift apart.
class TestReadmeConfigTable : public QObject {
    Q_OBJECT

private slots:
    void readmeTableMatchesTheSchema()
    {
        QFile readme(QStringLiteral(SM_README_PATH));
        QVERIFY2(readme.open(QIODevice::ReadOnly), qPrintable(readme.fileName()));
        const QString text = QString::fromUtf8(readme.readAll());
        const qsizetype begin = text.indexOf("<!-- config-table:begin -->");
        const qsizetype end = text.indexOf("<!-- config-table:end -->");
        QVERIFY(begin >= 0 && end > begin);
        const QString table = text.mid(begin, end - begin).section('\n', 1).trimmed();
        QCOMPARE(table, sm::ConfigSchema::hostKeysMarkdown().trimmed());
    }
};

QTEST_GUILESS_MAIN(TestReadmeConfigTable)
#include "tst_readmeconfigtable.moc"
