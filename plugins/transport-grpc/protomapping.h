#pragma once

#include <sm/event.h>
#include <sm/result.h>
#include <sm/session.h>

#include "session.pb.h"

#include <QJsonObject>

#include <optional>
#include <string>


namespace smgrpc {

// Conversions between the SDK's value types and the sm.v1 messages.
class ProtoMapping {
public:
    static void toProto(const sm::Session &session, sm::v1::Session *out);
    static void toProto(const sm::Event &event, sm::v1::Event *out);
    static sm::v1::SessionState toProto(sm::SessionState state);
    // Empty for SESSION_STATE_UNSPECIFIED and unknown numbers.
    static std::optional<sm::SessionState> fromProto(int state);

    // A `*_json` field that must hold one JSON object; empty text is `{}` when allowed.
    static sm::Result<QJsonObject> jsonObject(const std::string &text, const char *field, bool emptyIsObject);
    // A required string field: BadRequest naming it when empty.
    static sm::Result<QString> required(const std::string &text, const char *field);
};

} // namespace smgrpc
