package dev.venice.plugins.aclauthorizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.plugins.aclauthorizer.AclCodec.UnreadableAclsException;
import dev.venice.plugins.aclauthorizer.AclEntry.InvalidAclException;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * The controller's ACL endpoint, {@code /plugins/acl-authorizer/acls}, reading and writing the
 * state store's {@value AclCache#NODE} node directly (so an answer reflects the write just made,
 * before the authorizers' watches reload it):
 *
 * <ul>
 *   <li>{@code GET acls[?store=S][&subject=user:P|group:G]}: {@code {"entries": [{"subject",
 *       "resource", "access"}, ...]}}, ordered by resource then subject; {@code store} keeps the
 *       grants on {@code store:S} only (cluster grants, which apply to every store, are listed
 *       without it), {@code subject} one subject's;
 *   <li>{@code POST acls/grant} with {@code {"subject", "resource", "access"}}: adds the grant or
 *       replaces the subject's level on the resource; answers {@code {"entry": {...}, "previous":
 *       "READ"|null, "changed": bool, "entries": N}};
 *   <li>{@code POST acls/revoke} with {@code {"subject", "resource"}}: removes the grant;
 *       answers {@code {"entry": {...}|null, "revoked": bool, "entries": N}} ({@code revoked}
 *       false and nothing written when there was none).
 * </ul>
 *
 * <p>Writes are conditional on the node's version and retried from a fresh read on a conflict,
 * up to {@value #MAX_ATTEMPTS} times. Errors are {@code {"error": ..., "errorType": ..., "field":
 * ...}}: 400 {@code BAD_REQUEST} naming the field ({@code subject}, {@code resource}, {@code
 * access}, {@code store}, {@code body}); 404 for another path; 405 for another method; 409 {@code
 * CONFLICT} when every attempt lost a race; 413 {@code TOO_MANY_ENTRIES} when the node would exceed
 * ZooKeeper's limit; 500 {@code UNREADABLE_ACLS} when the node cannot be read (it is never
 * overwritten then). No authorization of its own: the host requires cluster ADMIN for POST and
 * cluster READ for GET when security is on. Thread-safe.
 */
final class AclEndpoint implements PluginHttpEndpoint {
  /** Conditional writes tried before answering 409. */
  static final int MAX_ATTEMPTS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PluginStateStore store;

  AclEndpoint(PluginStateStore store) {
    this.store = store;
  }

  @Override
  public String path() {
    return "acls";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    String action = switch (request.path()) {
      case "acls" -> "list";
      case "acls/grant" -> "grant";
      case "acls/revoke" -> "revoke";
      default -> null;
    };
    if (action == null) {
      return error(404, "NOT_FOUND", "path", "no ACL endpoint " + request.path() + ": use GET"
          + " acls, POST acls/grant or POST acls/revoke");
    }
    String method = action.equals("list") ? "GET" : "POST";
    if (!request.method().equals(method)) {
      return error(405, "METHOD_NOT_ALLOWED", "method", request.method() + " "
          + request.path() + " is not allowed: use " + method);
    }
    try {
      return switch (action) {
        case "list" -> list(request);
        case "grant" -> change(request, true);
        default -> change(request, false);
      };
    } catch (InvalidAclException e) {
      return error(400, "BAD_REQUEST", e.field(), e.getMessage());
    } catch (UnreadableAclsException e) {
      return error(500, "UNREADABLE_ACLS", "acls", e.getMessage()
          + "; fix or delete the state node " + AclCache.NODE + " of acl-authorizer");
    }
  }

  private PluginHttpResponse list(PluginHttpRequest request) throws IOException {
    Optional<String> store = request.queryParameter("store").map(String::strip);
    Optional<String> subject = request.queryParameter("subject").map(String::strip);
    String resource = null;
    if (store.isPresent()) {
      if (!AclEntry.STORE_NAME.matcher(store.get()).matches()) {
        throw new InvalidAclException("store", "store name '" + store.get() + "' is invalid:"
            + " use 1 to 128 letters, digits, '_' or '-', starting with a letter or digit");
      }
      resource = AclEntry.storeResource(store.get());
    }
    subject.ifPresent(AclEntry::subject);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode entries = body.putArray("entries");
    for (AclEntry entry : read().table().entries()) {
      if ((resource == null || entry.resource().equals(resource))
          && (subject.isEmpty() || entry.subject().equals(subject.get()))) {
        entries.add(AclCodec.json(entry));
      }
    }
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private PluginHttpResponse change(PluginHttpRequest request, boolean grant) throws IOException {
    JsonNode body;
    try {
      body = request.body().length == 0 ? null : JSON.readTree(request.body());
    } catch (IOException e) {
      throw new InvalidAclException("body", "the body is not JSON: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw new InvalidAclException("body", "the body must be a JSON object {\"subject\": ...,"
          + " \"resource\": ...," + (grant ? " \"access\": ...}" : "}"));
    }
    String subject = AclEntry.subject(text(body, "subject"));
    String resource = AclEntry.resource(text(body, "resource"));
    AclEntry granted = grant ? AclEntry.parse(subject, resource, text(body, "access")) : null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Node node = read();
      Optional<AclEntry> previous = node.table().find(subject, resource);
      AclTable next = grant ? node.table().with(granted) : node.table().without(subject, resource);
      ObjectNode answer = JSON.createObjectNode();
      if (grant) {
        answer.set("entry", AclCodec.json(granted));
        answer.put("previous", previous.map(e -> e.access().name()).orElse(null));
      } else {
        answer.set("entry", previous.<JsonNode>map(AclCodec::json).orElse(null));
        answer.put("revoked", previous.isPresent());
      }
      boolean changed = !next.equals(node.table());
      if (grant) {
        answer.put("changed", changed);
      }
      answer.put("entries", next.size());
      if (changed) {
        byte[] data = AclCodec.encode(next);
        if (data.length > PluginStateStore.MAX_DATA_BYTES) {
          return error(413, "TOO_MANY_ENTRIES", "subject", next.size() + " entries would take "
              + data.length + " bytes, more than the " + PluginStateStore.MAX_DATA_BYTES
              + " a ZooKeeper node holds: revoke grants first (group grants cover many users)");
        }
        try {
          if (node.version() < 0) {
            store.create(AclCache.NODE, data);
          } else {
            store.update(AclCache.NODE, data, node.version());
          }
        } catch (StateConflictException raced) {
          continue; // another writer changed the node since it was read: read it again
        }
      }
      return PluginHttpResponse.json(200, JSON.writeValueAsString(answer));
    }
    return error(409, "CONFLICT", "acls", "the ACL node changed under each of " + MAX_ATTEMPTS
        + " attempts to write it; try again");
  }

  /** The node as read: its table and ZooKeeper version ({@code -1} when it does not exist). */
  private record Node(AclTable table, int version) {}

  private Node read() {
    Optional<StateEntry> node = store.read(AclCache.NODE);
    return node.isEmpty() ? new Node(AclTable.EMPTY, -1)
        : new Node(AclCodec.decode(node.get().data()), node.get().version());
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value != null && !value.isNull() && !value.isTextual()) {
      throw new InvalidAclException(field, field + " must be a string, not " + value);
    }
    return value == null || value.isNull() ? null : value.textValue();
  }

  private static PluginHttpResponse error(int status, String type, String field, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    body.put("errorType", type);
    body.put("field", field);
    return PluginHttpResponse.json(status, JSON.writeValueAsString(body));
  }
}
