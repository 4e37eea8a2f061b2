#include <sm/http.h>

#include <QJsonDocument>

namespace sm {

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

HttpResponse HttpResponse::json(int status, const QJsonObject &body)
{
    return HttpResponse{status,
                        {{"content-type", "application/json"}},
                        QJsonDocument(body).toJson(QJsonDocument::Compact)};
}

HttpResponse HttpResponse::empty(int status)
{
    return HttpResponse{status, {}, {}};
}

HttpResponse HttpResponse::error(const Error &error)
{
    return HttpResponse::error(httpStatusFor(error.code), errorCodeName(error.code), error.message);
}

HttpResponse HttpResponse::error(int status, const QByteArray &code, const QString &message)
{
    const QJsonObject inner{{"code", QString::fromLatin1(code)}, {"message", message}};
    return json(status, QJsonObject{{"error", inner}});
}

int httpStatusFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest: return 400;
    case ErrorCode::Unauthenticated: return 401;
    case ErrorCode::PermissionDenied: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::IllegalTransition: return 409;
    case ErrorCode::AlreadyExists: return 409;
    case ErrorCode::VersionConflict: return 412;
    case ErrorCode::PayloadTooLarge: return 413;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::Internal: return 500;
    }
    return 500;
}

} // namespace sm
