#include "engine/exchange.h"
#include "engine/orderbook.h"
#include "engine/prng.h"
#include "testhelpers.h"

#include <QTest>

#include <cstdlib>
#include <new>
#include <vector>

// Counts every global allocation in this test binary, so the tests can prove that the hot
// paths stop allocating once their containers reached working size.
namespace {
std::size_t allocationCount = 0;
} // namespace

void *operator new(std::size_t size)
{
    ++allocationCount;
    if (void *memory = std::malloc(size == 0 ? 1 : size))
        return memory;
    throw std::bad_alloc();
}

void operator delete(void *memory) noexcept
{
    std::free(memory);
}

void operator delete(void *memory, std::size_t) noexcept
{
    std::free(memory);
}

using namespace sm::exchange;
using namespace sm::exchange::test;

class TestAllocation : public QObject {
    Q_OBJECT

private slots:
    void steadyStateBookOperationsDoNotAllocate();
    void steadyStateGeneratorStepsDoNotAllocate();
};

namespace {

// A busy add/cancel/cross mix that keeps at most `maxLive` orders resting.
class BookChurn {
public:
    explicit BookChurn(std::size_t maxLive)
        : m_maxLive(maxLive)
    {
        m_live.reserve(maxLive + 1);
    }

    void operate(OrderBook &book, std::vector<Event> &out)
    {
        const std::uint32_t roll = m_rng.below(100);
        if (!m_live.empty() && (roll < 35 || m_live.size() >= m_maxLive))
            cancelOne(book, out);
        else if (roll < 45)
            book.submit(
                limitOrder(m_nextId++, randomSide(), 10'000, 1 + m_rng.below(150), TimeInForce::Ioc), out);
        else
            addNearTouch(book, out);
    }

private:
    void cancelOne(OrderBook &book, std::vector<Event> &out)
    {
        const std::uint32_t pick = m_rng.below(static_cast<std::uint32_t>(m_live.size()));
        book.cancel(m_live[pick], kSessionAccount, out);
        m_live[pick] = m_live.back();
        m_live.pop_back();
    }

    void addNearTouch(OrderBook &book, std::vector<Event> &out)
    {
        const Side side = randomSide();
        const Price distance = 5 * static_cast<Price>(1 + m_rng.below(20));
        const OrderId id = m_nextId++;
        book.submit(limitOrder(id, side, side == Side::Buy ? 10'000 - distance : 10'000 + distance,
                        1 + m_rng.below(50)),
            out);
        if (book.isOpen(id))
            m_live.push_back(id);
    }

    Side randomSide() { return m_rng.below(2) == 0 ? Side::Buy : Side::Sell; }

    Prng m_rng{99};
    std::vector<OrderId> m_live;
    std::size_t m_maxLive;
    OrderId m_nextId = 1;
};

} // namespace

void TestAllocation::steadyStateBookOperationsDoNotAllocate()
{
    OrderBook book(0, testInstrument(), 1024);
    BookChurn churn(600);
    std::vector<Event> out;
    out.reserve(1024);
    for (int i = 0; i < 20'000; ++i) {
        out.clear();
        churn.operate(book, out);
    }

    const std::size_t before = allocationCount;
    for (int i = 0; i < 200'000; ++i) {
        out.clear();
        churn.operate(book, out);
    }

    QCOMPARE(allocationCount - before, std::size_t{0});
    QVERIFY(book.openOrderCount() > 100);
}

void TestAllocation::steadyStateGeneratorStepsDoNotAllocate()
{
    auto created = Exchange::create(ExchangeConfig::simDefaults(5));
    QVERIFY(created);
    Exchange &exchange = created.value();
    std::vector<Event> out;
    out.reserve(4096);
    for (int i = 0; i < 5'000; ++i) {
        out.clear();
        exchange.step(out);
    }

    const std::size_t before = allocationCount;
    for (int i = 0; i < 20'000; ++i) {
        out.clear();
        exchange.step(out);
    }

    QCOMPARE(allocationCount - before, std::size_t{0});
}

QTEST_APPLESS_MAIN(TestAllocation)
#include "tst_allocation.moc"
