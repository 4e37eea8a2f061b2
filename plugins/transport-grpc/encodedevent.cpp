#include "encodedevent.h"

#include "protomapping.h"

#include "session.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace smgrpc {

std::shared_ptr<const EncodedEvent> EncodedEvent::encode(const sm::Event &event)
{
    using google::protobuf::internal::WireFormatLite;
    using google::protobuf::io::CodedOutputStream;
    sm::v1::Event message;
    ProtoMapping::toProto(event, &message);
    const size_t messageBytes = message.ByteSizeLong();
    const uint32_t tag = WireFormatLite::MakeTag(sm::v1::Event::kBatchFieldNumber,
                                                  WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
    const size_t headerBytes = CodedOutputStream::VarintSize32(tag)
        + CodedOutputStream::VarintSize32(uint32_t(messageBytes));
    grpc::Slice bytes(headerBytes + messageBytes);
    auto *out = const_cast<uint8_t *>(bytes.begin()); // a fresh slice, not shared yet
    out = CodedOutputStream::WriteVarint32ToArray(tag, out);
    out = CodedOutputStream::WriteVarint32ToArray(uint32_t(messageBytes), out);
    message.SerializeWithCachedSizesToArray(out);
    return std::make_shared<const EncodedEvent>(event, std::move(bytes), headerBytes);
}

EncodedEvent::EncodedEvent(const sm::Event &event, grpc::Slice batchElement, size_t headerBytes)
    : m_event(event), m_batchElement(std::move(batchElement)), m_headerBytes(headerBytes)
{
}

grpc::Slice EncodedEvent::message() const
{
    return m_batchElement.sub(m_headerBytes, m_batchElement.size());
}

bool EncodedEvent::encodes(const sm::Event &event) const
{
    return event.id == m_event.id && event.data.constData() == m_event.data.constData()
        && event.data.size() == m_event.data.size() && event.type == m_event.type;
}

} // namespace smgrpc
