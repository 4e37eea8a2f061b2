#pragma once

#include <QString>

namespace sm {

enum class Role { User, Service, Admin };

const char *roleName(Role role);

// Who is asking: the result of authentication, passed to every session-service call.
struct Caller {
    QString userId;
    Role role = Role::User;
    QString requestId; // correlates logs across the runtime
    // Set when the caller authenticated with a session token: it may only touch that session.
    QString sessionScope;

    bool isPrivileged() const { return role == Role::Service || role == Role::Admin; }
};

} // namespace sm
