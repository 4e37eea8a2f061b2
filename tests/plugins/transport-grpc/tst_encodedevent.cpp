// EncodedEvent and its cache: the shared bytes are protobuf's own encoding of the event,
// alone and as Event.batch elements, and the cache hands the same encoding to every
// subscriber of one delivery but never to a different event.
#include "encodedevent.h"
#include "encodedeventcache.h"

#include "session.pb.h"

#include <QTest>

namespace {
std::string bytesOf(const grpc::Slice &slice)
{
    return std::string(reinterpret_cast<const char *>(slice.begin()), slice.size());
}

sm::Event hubEvent(quint64 seq, const QByteArray &data)
{
    return sm::Event{sm::EventId{7, seq}, "app.tick", data};
}
} // namespace

class TestEncodedEvent : public QObject {
    Q_OBJECT

private slots:
    void messageIsProtobufsEncodingOfTheEvent();
    void batchElementsConcatenateIntoProtobufsBatch();
    void cacheSharesOneEncodingPerDelivery();
    void cacheNeverServesAnotherEvent();
};

void TestEncodedEvent::messageIsProtobufsEncodingOfTheEvent()
{
    // 200 bytes of data: the length takes two varint bytes.
    const sm::Event event = hubEvent(42, "{\"text\":\"" + QByteArray(200, 'y') + "\"}");
    const auto encoded = smgrpc::EncodedEvent::encode(event);
    sm::v1::Event expected;
    expected.set_id("7-42");
    expected.set_type("app.tick");
    expected.set_data_json(event.data.toStdString());
    QCOMPARE(bytesOf(encoded->message()), expected.SerializeAsString());
    QCOMPARE(encoded->event().id, event.id);
}

void TestEncodedEvent::batchElementsConcatenateIntoProtobufsBatch()
{
    sm::v1::Event expected;
    std::string concatenated;
    for (quint64 seq = 1; seq <= 3; ++seq) {
        const sm::Event event = hubEvent(seq, "[" + QByteArray::number(seq) + "]");
        concatenated += bytesOf(smgrpc::EncodedEvent::encode(event)->batchElement());
        sm::v1::Event *element = expected.add_batch();
        element->set_id("7-" + std::to_string(seq));
        element->set_type("app.tick");
        element->set_data_json(event.data.toStdString());
    }
    QCOMPARE(concatenated, expected.SerializeAsString());
}

void TestEncodedEvent::cacheSharesOneEncodingPerDelivery()
{
    smgrpc::EncodedEventCache cache;
    const sm::Event delivered = hubEvent(1, "{\"a\":1}");
    const auto first = cache.encode(delivered);
    QCOMPARE(cache.encode(delivered).get(), first.get());
    const sm::Event copy = delivered; // the hub's shared value, as each subscriber sees it
    QCOMPARE(cache.encode(copy).get(), first.get());
}

void TestEncodedEvent::cacheNeverServesAnotherEvent()
{
    smgrpc::EncodedEventCache cache;
    const sm::Event event = hubEvent(1, "{\"a\":1}");
    cache.encode(event);
    // Each differs from the cached event in one part: same id with other data, same
    // data buffer with another type or id.
    sm::Event otherData = hubEvent(1, "{\"a\":2}");
    sm::Event otherType = event;
    otherType.type = "app.other";
    sm::Event otherId = event;
    otherId.id.seq = 2;
    for (const sm::Event &other : {otherData, otherType, otherId}) {
        sm::v1::Event expected;
        expected.set_id(other.id.toString().toStdString());
        expected.set_type(other.type.toStdString());
        expected.set_data_json(other.data.toStdString());
        QCOMPARE(bytesOf(cache.encode(other)->message()), expected.SerializeAsString());
    }
}

QTEST_GUILESS_MAIN(TestEncodedEvent)
#include "tst_encodedevent.moc"
