#include "dashboard/jsondelta.h"

namespace sm {

QJsonObject JsonDelta::between(const QJsonObject &before, const QJsonObject &after)
{
    QJsonObject delta;
    for (auto it = after.constBegin(); it != after.constEnd(); ++it) {
        const QJsonValue old = before.value(it.key());
        if (old == it.value())
            continue;
        if (!old.isObject() || !it.value().isObject()) {
            delta.insert(it.key(), it.value());
            continue;
        }
        const QJsonObject oldSection = old.toObject();
        const QJsonObject newSection = it.value().toObject();
        QJsonObject changed;
        for (auto member = newSection.constBegin(); member != newSection.constEnd(); ++member) {
            if (oldSection.value(member.key()) != member.value())
                changed.insert(member.key(), member.value());
        }
        for (auto member = oldSection.constBegin(); member != oldSection.constEnd(); ++member) {
            if (!newSection.contains(member.key()))
                changed.insert(member.key(), QJsonValue::Null);
        }
        delta.insert(it.key(), changed);
    }
    return delta;
}

void JsonDelta::apply(QJsonObject &state, const QJsonObject &delta)
{
    for (auto it = delta.constBegin(); it != delta.constEnd(); ++it) {
        const QJsonValue current = state.value(it.key());
        if (!current.isObject() || !it.value().isObject()) {
            state.insert(it.key(), it.value());
            continue;
        }
        QJsonObject section = current.toObject();
        const QJsonObject changes = it.value().toObject();
        for (auto member = changes.constBegin(); member != changes.constEnd(); ++member) {
            if (member.value().isNull())
                section.remove(member.key());
            else
                section.insert(member.key(), member.value());
        }
        state.insert(it.key(), section);
    }
}

} // namespace sm
