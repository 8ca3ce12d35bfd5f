package dev.venice.runtime.common.admin;

/**
 * The {@code errorType} of every admin API error ({@code {"error": message, "errorType": type}}),
 * with its HTTP status. Clients branch on the type, never on the message. The README's admin API
 * table lists each one (a unit test keeps the two in step).
 */
public enum AdminErrorType {
  /** A malformed request: a bad parameter, field, value or body. */
  BAD_REQUEST(400, "a malformed request: a bad parameter, field, value or body"),
  /** A value schema that does not parse, or has no value a record could hold. */
  INVALID_SCHEMA(400, "a schema that does not parse or cannot hold a value"),
  /** A store's plugin setting that no installed plugin accepts. */
  BAD_PLUGIN_SETTING(400, "a store plugin setting: unknown plugin or key, bad value, or a rule"
      + " across keys refused it"),
  /** Security is on and the request's credential (a bearer token) was not accepted. */
  UNAUTHENTICATED(401, "security is on and the request's bearer token was not accepted"),
  /** An authorizer denied the caller the operation on the resource. */
  PERMISSION_DENIED(403, "the caller may not perform the operation on the resource"),
  /** A plugin's admin-mutation hook vetoed the operation. */
  VETOED(403, "a plugin's admin-mutation hook vetoed the operation"),
  /** No such path. */
  NOT_FOUND(404, "no such path"),
  /** No such store. */
  STORE_NOT_FOUND(404, "no such store"),
  /** No such version of the store. */
  VERSION_NOT_FOUND(404, "no such version of the store"),
  /** No such Kafka topic of the store. */
  TOPIC_NOT_FOUND(404, "no such Kafka topic of the store"),
  /** The path exists but not for this method; the answer carries {@code Allow}. */
  METHOD_NOT_ALLOWED(405, "the path exists, not for this method (see the Allow header)"),
  /** The store exists already. */
  STORE_EXISTS(409, "the store exists already"),
  /** The new value schema breaks the store's compatibility rule. */
  INCOMPATIBLE_SCHEMA(409, "the value schema breaks the store's compatibility rule"),
  /** A hybrid store's partition count is fixed by its real-time topic. */
  HYBRID_PARTITIONS_FIXED(409, "a hybrid store's partition count is fixed"),
  /** A push is already in progress for the store. */
  PUSH_IN_PROGRESS(409, "a push is already in progress"),
  /** No push is in progress for the store (or not for that version). */
  PUSH_NOT_IN_PROGRESS(409, "no push is in progress"),
  /** A version's compression dictionary was already sent, with other bytes. */
  DICTIONARY_EXISTS(409, "the version has another compression dictionary already"),
  /** A push declared no records without {@code allowEmpty}. */
  EMPTY_PUSH(409, "a push of no records without allowEmpty"),
  /** A push would shrink the store past {@code push.max.shrink.fraction}, without {@code force}. */
  PUSH_WOULD_SHRINK_STORE(409, "a push much smaller than the current version, without force"),
  /** The version is not online. */
  VERSION_NOT_ONLINE(409, "the version is not online"),
  /** The version is the store's current version. */
  VERSION_IS_CURRENT(409, "the version is the current one"),
  /** A replica report from an instance that is not live. */
  INSTANCE_NOT_LIVE(409, "a replica report from an instance that is not live"),
  /** A replica report for a partition the instance does not hold. */
  PARTITION_NOT_ASSIGNED(409, "a replica report for a partition not assigned to the instance"),
  /** The request body is over the limit. */
  BODY_TOO_LARGE(413, "the request body is over the limit"),
  /** The request line is too long. */
  URI_TOO_LONG(414, "the request line is too long"),
  /** A body that is not {@code application/json} in UTF-8. */
  UNSUPPORTED_MEDIA_TYPE(415, "a body that is not application/json in UTF-8"),
  /** The request headers are too large. */
  REQUEST_HEADER_FIELDS_TOO_LARGE(431, "the request headers are too large"),
  /** A standby controller: the {@code Location} header names the leader. */
  NOT_LEADER(307, "this controller is a standby; Location names the leader"),
  /** A bug on the server's side; the log has the details. */
  INTERNAL(500, "a fault of the process; its log has the details"),
  /** The cluster has no leader controller right now. */
  NO_LEADER(503, "the cluster has no leader controller right now"),
  /** Kafka did not answer. */
  KAFKA_UNAVAILABLE(503, "Kafka did not answer"),
  /** Another HTTP error of the server library, named by its status. */
  HTTP_ERROR(0, "another error of the HTTP layer; the status says which");

  private final int status;
  private final String meaning;

  AdminErrorType(int status, String meaning) {
    this.status = status;
    this.meaning = meaning;
  }

  /** The HTTP status answered with this type ({@code 0} for {@link #HTTP_ERROR}: varies). */
  public int status() {
    return status;
  }

  /** What the type means, in a few words (the README's table). */
  public String meaning() {
    return meaning;
  }

  /**
   * The type for an error the HTTP layer answers by itself (a malformed request line, headers
   * too large): the generic type with that status, else {@link #HTTP_ERROR}.
   */
  public static AdminErrorType forHttpStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHENTICATED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 413 -> BODY_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 431 -> REQUEST_HEADER_FIELDS_TOO_LARGE;
      case 500 -> INTERNAL;
      default -> HTTP_ERROR;
    };
  }
}
