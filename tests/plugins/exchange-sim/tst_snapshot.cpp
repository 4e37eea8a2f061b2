#include "engine/exchange.h"
#include "engine/prng.h"
#include "sessionscript.h"
#include "testhelpers.h"

#include <QTest>

#include <string>
#include <utility>
#include <vector>

using namespace sm::exchange;
using namespace sm::exchange::test;

// Snapshot/restore of a whole Exchange: equivalence of continued runs, and robustness
// against bytes that are not (or no longer) a valid snapshot.
class TestSnapshot : public QObject {
    Q_OBJECT

private slots:
    void restoreThenReplayGivesIdenticalEvents_data();
    void restoreThenReplayGivesIdenticalEvents();
    void snapshotOfRestoredExchangeIsByteIdentical();
    void restoredExchangeKeepsOrdersPositionsAndBooks();
    void foreignBytesAreRejected();
    void otherVersionIsRejected();
    void everyTruncationIsRejected();
    void corruptedBytesNeverCrashRestore();
};

namespace {

ExchangeConfig smallConfig(std::uint64_t seed)
{
    ExchangeConfig config = ExchangeConfig::simDefaults(seed);
    config.expectedOrdersPerBook = 64; // keeps thousands of restores cheap
    return config;
}

// An exchange with history: resting orders on all books, open and closed session orders,
// non-flat positions.
Exchange busyExchange(const ExchangeConfig &config, SessionScript &script, int calls)
{
    Exchange exchange = std::move(Exchange::create(config).value());
    std::vector<Event> ignored;
    script.run(exchange, calls, ignored);
    return exchange;
}

std::vector<SessionOrder> copies(const std::vector<const SessionOrder *> &orders)
{
    std::vector<SessionOrder> result;
    for (const SessionOrder *order : orders)
        result.push_back(*order);
    return result;
}

} // namespace

void TestSnapshot::restoreThenReplayGivesIdenticalEvents_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("callsBeforeSnapshot");
    QTest::newRow("fresh exchange") << quint64(21) << 0;
    QTest::newRow("after 500 calls") << quint64(22) << 500;
    QTest::newRow("after 3000 calls") << quint64(23) << 3'000;
}

void TestSnapshot::restoreThenReplayGivesIdenticalEvents()
{
    QFETCH(quint64, seed);
    QFETCH(int, callsBeforeSnapshot);
    SessionScript script(seed * 31);
    Exchange original = busyExchange(ExchangeConfig::simDefaults(seed), script, callsBeforeSnapshot);
    auto restored = Exchange::restore(original.snapshot());
    QVERIFY(restored);

    SessionScript replay = script; // same calls from here on, for both exchanges
    std::vector<Event> originalEvents;
    std::vector<Event> restoredEvents;
    script.run(original, 3'000, originalEvents);
    replay.run(restored.value(), 3'000, restoredEvents);

    QVERIFY(originalEvents.size() > 10'000);
    QVERIFY(!eventsOf<Filled>(originalEvents).empty());
    QCOMPARE(restoredEvents, originalEvents);
    QCOMPARE(restored->snapshot(), original.snapshot());
}

void TestSnapshot::snapshotOfRestoredExchangeIsByteIdentical()
{
    SessionScript script(5);
    const Exchange original = busyExchange(smallConfig(5), script, 1'000);
    const std::string bytes = original.snapshot();

    const auto restored = Exchange::restore(bytes);

    QVERIFY(restored);
    QCOMPARE(restored->snapshot(), bytes);
}

void TestSnapshot::restoredExchangeKeepsOrdersPositionsAndBooks()
{
    SessionScript script(6);
    Exchange original = busyExchange(smallConfig(6), script, 2'000);
    std::vector<Event> ignored;
    // Far from the touch, so they are certainly still open at snapshot time.
    original.submit({"SIM-A", "far-bid", Side::Buy, OrderKind::Limit, TimeInForce::Gtc, 9'500, 10}, ignored);
    original.submit({"SIM-C", "far-ask", Side::Sell, OrderKind::Limit, TimeInForce::Gtc, 5'400, 10}, ignored);
    QVERIFY(original.openOrders().size() >= 2);
    QVERIFY(!original.recentOrders().empty());

    const auto restored = Exchange::restore(original.snapshot());

    QVERIFY(restored);
    QCOMPARE(copies(restored->openOrders()), copies(original.openOrders()));
    QCOMPARE(copies(restored->recentOrders()), copies(original.recentOrders()));
    for (const InstrumentConfig &instrument : original.config().instruments) {
        QCOMPARE(*restored->position(instrument.symbol), *original.position(instrument.symbol));
        QCOMPARE(*restored->book(instrument.symbol, 1'000), *original.book(instrument.symbol, 1'000));
    }
}

void TestSnapshot::foreignBytesAreRejected()
{
    QCOMPARE(Exchange::restore("definitely not a snapshot").error(), SnapshotError::BadMagic);
    QCOMPARE(Exchange::restore("").error(), SnapshotError::Corrupt);
}

void TestSnapshot::otherVersionIsRejected()
{
    const Exchange exchange = std::move(Exchange::create(smallConfig(1)).value());
    std::string bytes = exchange.snapshot();
    bytes[4] = static_cast<char>(bytes[4] + 1); // version follows the 4-byte magic

    QCOMPARE(Exchange::restore(bytes).error(), SnapshotError::UnsupportedVersion);
}

void TestSnapshot::everyTruncationIsRejected()
{
    SessionScript script(8);
    const std::string bytes = busyExchange(smallConfig(8), script, 300).snapshot();

    for (std::size_t length = 0; length < bytes.size(); ++length) {
        const auto restored = Exchange::restore(std::string_view(bytes).substr(0, length));
        QVERIFY2(!restored, qPrintable(QStringLiteral("prefix of %1 bytes restored").arg(length)));
        QCOMPARE(restored.error(), SnapshotError::Corrupt);
    }
    QVERIFY(Exchange::restore(bytes + '\0').error() == SnapshotError::Corrupt);
}

void TestSnapshot::corruptedBytesNeverCrashRestore()
{
    SessionScript script(9);
    const std::string bytes = busyExchange(smallConfig(9), script, 300).snapshot();
    Prng rng(9);
    int restoredCount = 0;

    // Whatever a damaged byte does, restore must answer with a value: an Exchange whose own
    // snapshot is again restorable, or an error. (Run under sanitizers to make this bite.)
    for (int trial = 0; trial < 3'000; ++trial) {
        std::string damaged = bytes;
        damaged[rng.below(static_cast<std::uint32_t>(damaged.size()))]
            ^= static_cast<char>(1 + rng.below(255));
        const auto restored = Exchange::restore(damaged);
        if (restored) {
            ++restoredCount;
            QVERIFY(Exchange::restore(restored->snapshot()));
        }
    }
    QVERIFY(restoredCount < 3'000);
}

QTEST_APPLESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
