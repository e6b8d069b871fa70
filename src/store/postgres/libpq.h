// libpq, loaded the first time a PostgreSQL store is opened. Linking it
// would load it, and the Kerberos, LDAP and TLS libraries it pulls in, into
// every run of convsent: about 10 ms of start-up that `convsent score` on a
// SQLite store, or on no store at all, would pay for nothing.
#ifndef CONVSENT_SRC_STORE_POSTGRES_LIBPQ_H_
#define CONVSENT_SRC_STORE_POSTGRES_LIBPQ_H_

#include <libpq-fe.h>

#include "convsent/status.h"

namespace convsent::pq {

// Every libpq function the PostgreSQL store calls.
#define CONVSENT_PQ_FUNCTIONS(X) \
  X(PQclear)                     \
  X(PQcmdStatus)                 \
  X(PQcmdTuples)                 \
  X(PQconnectdbParams)           \
  X(PQconsumeInput)              \
  X(PQenterPipelineMode)         \
  X(PQerrorMessage)              \
  X(PQexec)                      \
  X(PQexecParams)                \
  X(PQexecPrepared)              \
  X(PQexitPipelineMode)          \
  X(PQfinish)                    \
  X(PQfreemem)                   \
  X(PQgetResult)                 \
  X(PQgetisnull)                 \
  X(PQgetlength)                 \
  X(PQgetvalue)                  \
  X(PQnotifies)                  \
  X(PQntuples)                   \
  X(PQpipelineStatus)            \
  X(PQpipelineSync)              \
  X(PQprepare)                   \
  X(PQputCopyData)               \
  X(PQputCopyEnd)                \
  X(PQresultErrorMessage)        \
  X(PQresultStatus)              \
  X(PQsendQueryParams)           \
  X(PQsendQueryPrepared)         \
  X(PQsetNoticeProcessor)        \
  X(PQsetSingleRowMode)          \
  X(PQsocket)                    \
  X(PQstatus)

struct Api {
#define CONVSENT_PQ_POINTER(name) decltype(&::name) name = nullptr;
  CONVSENT_PQ_FUNCTIONS(CONVSENT_PQ_POINTER)
#undef CONVSENT_PQ_POINTER
};

// Loads libpq.so.5 on the first call. The error names what is missing.
Status Load();

// The loaded functions. Only valid after Load() succeeded.
const Api& Lib();

}  // namespace convsent::pq

#endif  // CONVSENT_SRC_STORE_POSTGRES_LIBPQ_H_
