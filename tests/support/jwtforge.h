#pragma once

#include <QByteArray>
#include <QString>

// Signs HS256 JWTs the way an identity provider would, so tests can present tokens the
// runtime's own `token` command never issues: expired ones and ones signed with a wrong key.
class JwtForge {
public:
    static QString sign(const QByteArray &secret, const QString &user, const QString &role,
                        qint64 expiresInSecs);
};
