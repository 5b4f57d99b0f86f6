/*
 * backends/postgresql/pq_load.h: libpq, loaded on first use.
 *
 * The PostgreSQL driver is part of the binary, but libpq (and what it
 * pulls in: Kerberos, LDAP, GnuTLS...) costs every command ~4 ms and ~5 MB
 * to map, and most commands never connect to PostgreSQL.  So the driver
 * calls libpq through this table, which rt_pq_load() fills from the
 * system's libpq.so.5 with dlopen the first time a connection is made: a
 * binary copied alone into a container image works wherever Debian's
 * libpq5 (or any libpq 10+) is installed.
 *
 * Only driver.c includes this, after <libpq-fe.h>: each PQ name
 * it uses becomes a call through the table.
 */
#ifndef RT_LIB_DRIVERS_PQ_LOAD_H
#define RT_LIB_DRIVERS_PQ_LOAD_H

#include <libpq-fe.h>

#define RT_PQ_FUNCTIONS(X)                                                          \
	X(PGconn *, PQconnectdbParams, (const char *const *, const char *const *, int)) \
	X(void, PQfinish, (PGconn *))                                                \
	X(ConnStatusType, PQstatus, (const PGconn *))                                \
	X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *))           \
	X(const char *, PQparameterStatus, (const PGconn *, const char *))          \
	X(int, PQserverVersion, (const PGconn *))                                    \
	X(char *, PQerrorMessage, (const PGconn *))                                  \
	X(char *, PQdb, (const PGconn *))                                            \
	X(char *, PQuser, (const PGconn *))                                          \
	X(char *, PQpass, (const PGconn *))                                          \
	X(char *, PQhost, (const PGconn *))                                          \
	X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *, PQnoticeProcessor, void *)) \
	X(PGresult *, PQexec, (PGconn *, const char *))                              \
	X(PGresult *, PQexecParams, (PGconn *, const char *, int, const Oid *,      \
				     const char *const *, const int *, const int *, int)) \
	X(int, PQsendQuery, (PGconn *, const char *))                                \
	X(PGresult *, PQgetResult, (PGconn *))                                       \
	X(ExecStatusType, PQresultStatus, (const PGresult *))                        \
	X(char *, PQresultErrorMessage, (const PGresult *))                          \
	X(char *, PQresultErrorField, (const PGresult *, int))                       \
	X(char *, PQcmdStatus, (PGresult *))                                         \
	X(int, PQntuples, (const PGresult *))                                        \
	X(int, PQnfields, (const PGresult *))                                        \
	X(char *, PQgetvalue, (const PGresult *, int, int))                          \
	X(int, PQgetisnull, (const PGresult *, int, int))                            \
	X(void, PQclear, (PGresult *))                                               \
	X(int, PQgetCopyData, (PGconn *, char **, int))                              \
	X(int, PQputCopyEnd, (PGconn *, const char *))                               \
	X(void, PQfreemem, (void *))                                                 \
	X(PGcancel *, PQgetCancel, (PGconn *))                                       \
	X(void, PQfreeCancel, (PGcancel *))                                          \
	X(int, PQcancel, (PGcancel *, char *, int))

typedef struct rt_pq {
#define RT_PQ_FIELD(ret, name, args) ret(*name) args;
	RT_PQ_FUNCTIONS(RT_PQ_FIELD)
#undef RT_PQ_FIELD
} rt_pq;

extern rt_pq rt_pq_fns;

/*
 * Load libpq once (thread-safe).  NULL when loaded; else why not, as one
 * line that names the package to install.
 */
const char *rt_pq_load(void);

#ifndef RT_PQ_NO_MACROS
#define PQconnectdbParams (*rt_pq_fns.PQconnectdbParams)
#define PQfinish (*rt_pq_fns.PQfinish)
#define PQstatus (*rt_pq_fns.PQstatus)
#define PQtransactionStatus (*rt_pq_fns.PQtransactionStatus)
#define PQparameterStatus (*rt_pq_fns.PQparameterStatus)
#define PQserverVersion (*rt_pq_fns.PQserverVersion)
#define PQerrorMessage (*rt_pq_fns.PQerrorMessage)
#define PQdb (*rt_pq_fns.PQdb)
#define PQuser (*rt_pq_fns.PQuser)
#define PQpass (*rt_pq_fns.PQpass)
#define PQhost (*rt_pq_fns.PQhost)
#define PQsetNoticeProcessor (*rt_pq_fns.PQsetNoticeProcessor)
#define PQexec (*rt_pq_fns.PQexec)
#define PQexecParams (*rt_pq_fns.PQexecParams)
#define PQsendQuery (*rt_pq_fns.PQsendQuery)
#define PQgetResult (*rt_pq_fns.PQgetResult)
#define PQresultStatus (*rt_pq_fns.PQresultStatus)
#define PQresultErrorMessage (*rt_pq_fns.PQresultErrorMessage)
#define PQresultErrorField (*rt_pq_fns.PQresultErrorField)
#define PQcmdStatus (*rt_pq_fns.PQcmdStatus)
#define PQntuples (*rt_pq_fns.PQntuples)
#define PQnfields (*rt_pq_fns.PQnfields)
#define PQgetvalue (*rt_pq_fns.PQgetvalue)
#define PQgetisnull (*rt_pq_fns.PQgetisnull)
#define PQclear (*rt_pq_fns.PQclear)
#define PQgetCopyData (*rt_pq_fns.PQgetCopyData)
#define PQputCopyEnd (*rt_pq_fns.PQputCopyEnd)
#define PQfreemem (*rt_pq_fns.PQfreemem)
#define PQgetCancel (*rt_pq_fns.PQgetCancel)
#define PQfreeCancel (*rt_pq_fns.PQfreeCancel)
#define PQcancel (*rt_pq_fns.PQcancel)
#endif

#endif
