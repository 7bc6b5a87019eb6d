/**
 * OpenTelemetry semantic-convention attribute keys SpanLens reads. Copied as constants (the semconv
 * package's advice for unstable keys) so no runtime needs the package. Both the current and the
 * deprecated spelling are listed where the conventions changed.
 */

export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';
export const ATTR_VCS_REF_HEAD_REVISION = 'vcs.ref.head.revision';
export const ATTR_SCM_COMMIT_ID = 'scm.commit.id';
/** Resource attribute a user (or SpanLens itself) sets to name a run explicitly. */
export const ATTR_SPANLENS_RUN_ID = 'spanlens.run.id';

// code.* — new (stable) and old (deprecated) conventions
export const ATTR_CODE_FUNCTION_NAME = 'code.function.name';
export const ATTR_CODE_FILE_PATH = 'code.file.path';
export const ATTR_CODE_LINE_NUMBER = 'code.line.number';
export const ATTR_CODE_COLUMN_NUMBER = 'code.column.number';
export const ATTR_CODE_FUNCTION = 'code.function';
export const ATTR_CODE_NAMESPACE = 'code.namespace';
export const ATTR_CODE_FILEPATH = 'code.filepath';
export const ATTR_CODE_LINENO = 'code.lineno';
export const ATTR_CODE_STACKTRACE = 'code.stacktrace';

// HTTP — new and old
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_METHOD = 'http.method';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_HTTP_TARGET = 'http.target';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_HTTP_URL = 'http.url';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_NET_PEER_NAME = 'net.peer.name';
export const ATTR_HTTP_HOST = 'http.host';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_HTTP_STATUS_CODE = 'http.status_code';

// Databases — new and old
export const ATTR_DB_SYSTEM = 'db.system';
export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
export const ATTR_DB_STATEMENT = 'db.statement';
export const ATTR_DB_QUERY_TEXT = 'db.query.text';
export const ATTR_DB_NAME = 'db.name';
export const ATTR_DB_NAMESPACE = 'db.namespace';

// Messaging and RPC
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_PEER_SERVICE = 'peer.service';

// Exceptions (event `exception`)
export const EVENT_EXCEPTION = 'exception';
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const ATTR_EXCEPTION_MESSAGE = 'exception.message';
export const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace';
export const ATTR_EXCEPTION_ESCAPED = 'exception.escaped';

/** OTLP span kinds (numbering of the protocol). */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKindValue = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP status codes. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCodeValue = (typeof StatusCode)[keyof typeof StatusCode];
