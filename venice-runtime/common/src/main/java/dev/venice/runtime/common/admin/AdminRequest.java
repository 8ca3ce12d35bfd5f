package dev.venice.runtime.common.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.spi.security.Principal;
import dev.venice.runtime.common.data.StrictJson;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One admin request as a route sees it, after the server has matched the route, decoded the path,
 * checked the query parameters against the route's list and read the body (at most {@link
 * AdminHttpServer#MAX_BODY_BYTES}).
 *
 * <p>JSON bodies are read strictly: {@code Content-Type: application/json} (charset UTF-8 if one
 * is named, else 415), exactly one JSON value with nothing after it, no duplicate field names. A
 * request without a body (zero bytes) has no fields; a body of only whitespace is malformed.
 */
public final class AdminRequest {
  private final String method;
  private final String route;
  private final List<String> segments;
  private final Map<String, String> pathParameters;
  private final List<String> rest;
  private final QueryParameters query;
  private final Map<String, String> headers;
  private final byte[] body;
  private final String remoteAddress;
  private final String rawTarget;
  private final Principal principal;

  AdminRequest(String method, String route, List<String> segments,
      Map<String, String> pathParameters, List<String> rest, QueryParameters query,
      Map<String, String> headers, byte[] body, String remoteAddress, String rawTarget,
      Principal principal) {
    this.method = method;
    this.route = route;
    this.segments = List.copyOf(segments);
    this.pathParameters = Map.copyOf(pathParameters);
    this.rest = List.copyOf(rest);
    this.query = query;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.remoteAddress = remoteAddress;
    this.rawTarget = rawTarget;
    this.principal = principal;
  }

  /**
   * Who sent the request: with TLS, the authenticated principal (client certificate or bearer
   * token) or {@link Principal#ANONYMOUS}; without, the {@code X-Venice-Principal} it claims,
   * unauthenticated ({@link Principal#authenticated()} false).
   */
  public Principal principal() {
    return principal;
  }

  /** The path and query as sent, still percent-encoded (to redirect the same request). */
  public String rawTarget() {
    return rawTarget;
  }

  /** The HTTP method, upper case. */
  public String method() {
    return method;
  }

  /** The matched route, e.g. {@code DELETE /stores/{store}}. */
  public String route() {
    return route;
  }

  /** The decoded path segments, empty ones dropped. */
  public List<String> segments() {
    return segments;
  }

  /** The path as {@code /a/b}, decoded. */
  public String path() {
    return "/" + String.join("/", segments);
  }

  /** A path parameter of the route ({@code store} of {@code /stores/{store}}), decoded. */
  public String pathParameter(String name) {
    String value = pathParameters.get(name);
    if (value == null) {
      throw new IllegalArgumentException("route " + route + " has no path parameter " + name);
    }
    return value;
  }

  /** The segments a route ending in {@code **} matched (may be empty). */
  public List<String> rest() {
    return rest;
  }

  /** The query parameters (already checked against the route's list). */
  public QueryParameters query() {
    return query;
  }

  /** A request header, by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Every header, lower-case names, repeated values joined with commas. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The raw body (empty when there was none). */
  public byte[] body() {
    return body;
  }

  /** The caller's {@code ip:port}. */
  public String remoteAddress() {
    return remoteAddress;
  }

  /**
   * The body as a JSON object; no body at all is an empty object.
   *
   * @throws AdminHttpException 415 for another media type, 400 for malformed JSON, trailing
   *     content, duplicate fields or a value that is not an object
   */
  public ObjectNode jsonObject() {
    if (body.length == 0) {
      return StrictJson.MAPPER.createObjectNode();
    }
    checkJsonMediaType();
    JsonNode node;
    try {
      node = StrictJson.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw AdminHttpException.badRequest("malformed JSON body: " + e.getOriginalMessage()
          + where);
    } catch (IOException e) {
      throw AdminHttpException.badRequest("unreadable JSON body: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw AdminHttpException.badRequest("malformed JSON body: only whitespace; send a JSON"
          + " object or no body at all");
    }
    if (!node.isObject()) {
      throw AdminHttpException.badRequest("the body must be a JSON object, not "
          + node.getNodeType());
    }
    return (ObjectNode) node;
  }

  private void checkJsonMediaType() {
    String type = header("content-type").orElse("");
    String[] parts = type.split(";");
    boolean json = parts[0].trim().equalsIgnoreCase(AdminResponse.JSON_TYPE);
    for (int i = 1; i < parts.length && json; i++) {
      String[] parameter = parts[i].trim().split("=", 2);
      if (parameter[0].trim().equalsIgnoreCase("charset")) {
        json = parameter.length == 2
            && parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8");
      }
    }
    if (!json) {
      throw new AdminHttpException(AdminErrorType.UNSUPPORTED_MEDIA_TYPE, method + " " + path()
          + " takes a JSON body: send Content-Type: application/json (UTF-8); got "
          + (type.isEmpty() ? "no Content-Type" : "'" + QueryParameters.abbreviate(type) + "'"));
    }
  }
}
