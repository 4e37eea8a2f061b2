// A second (and third) runtime for the store-postgres tests, as a separate process:
//   store-postgres-race-worker open PORT DATABASE            open the store (create + migrate), exit
//   store-postgres-race-worker race PORT DATABASE ID COUNT   COUNT times get -> update at that version;
//                                                            prints "won <version>" per success
#include "postgrestestbed.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "race worker: " << message << Qt::endl;
    return 1;
}

int race(sm::SessionStore &store, const QString &id, int count)
{
    QTextStream out(stdout);
    int conflicts = 0;
    for (int i = 0; i < count; ++i) {
        auto current = store.get(id);
        if (!current)
            return fail(current.error().message);
        sm::Session next = current.value();
        next.metadata.insert(QStringLiteral("writer"), QCoreApplication::applicationPid());
        const auto result = writeOne(store, updateOf(next, current->version));
        if (result.ok())
            out << "won " << result->version << '\n';
        else if (result.error().code == sm::ErrorCode::VersionConflict)
            ++conflicts;
        else
            return fail(result.error().message);
    }
    out << "conflicts " << conflicts << Qt::endl;
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool racing = args.value(1) == QLatin1String("race") && args.size() == 6;
    if (!racing && !(args.value(1) == QLatin1String("open") && args.size() == 4))
        return fail(QStringLiteral("usage: open PORT DATABASE | race PORT DATABASE ID COUNT"));
    PostgresTestBed bed(args.at(2).toInt());
    auto store = bed.createStore(args.at(3));
    if (!store)
        return fail(bed.lastError());
    if (auto opened = store->open(); !opened)
        return fail(opened.error().message);
    const int status = racing ? race(*store, args.at(4), args.at(5).toInt()) : 0;
    store->close();
    return status;
}
