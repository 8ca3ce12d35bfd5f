package dev.venice.plugins.aclauthorizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.plugins.aclauthorizer.AclEntry.InvalidAclException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ACL node's encoding, JSON in UTF-8:
 *
 * <pre>{@code
 * {"format": 1,
 *  "entries": [{"subject": "user:alice", "resource": "store:a", "access": "READ"}, ...]}
 * }</pre>
 *
 * <p>Entries are written ordered by resource then subject, access in upper case. Reading accepts
 * access in any case and, of two entries for one subject and resource, keeps the later. Stateless
 * and thread-safe.
 */
final class AclCodec {
  /** The format this plugin version reads and writes. */
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private AclCodec() {}

  /** The node's bytes for {@code table}. */
  static byte[] encode(AclTable table) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode entries = root.putArray("entries");
    for (AclEntry entry : table.entries()) {
      entries.add(json(entry));
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("ACL table cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /** One entry as JSON: {@code {"subject": ..., "resource": ..., "access": "READ"}}. */
  static ObjectNode json(AclEntry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("subject", entry.subject());
    node.put("resource", entry.resource());
    node.put("access", entry.access().name());
    return node;
  }

  /**
   * The table a node holds.
   *
   * @throws UnreadableAclsException when {@code data} is not JSON, of another format (a newer
   *     plugin version wrote it) or holds an invalid entry; the message says which (and the
   *     entry's index and field)
   */
  static AclTable decode(byte[] data) {
    JsonNode root;
    try {
      root = JSON.readTree(data);
    } catch (JsonProcessingException e) {
      throw new UnreadableAclsException("the ACL node is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UnreadableAclsException("the ACL node cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new UnreadableAclsException("the ACL node is not a JSON object");
    }
    JsonNode format = root.path("format");
    if (!format.isInt() || format.intValue() != FORMAT) {
      throw new UnreadableAclsException("the ACL node is of format " + format + ", not " + FORMAT
          + " (written by another version of the acl-authorizer plugin?)");
    }
    JsonNode entries = root.path("entries");
    if (!entries.isArray()) {
      throw new UnreadableAclsException("the ACL node has no \"entries\" array");
    }
    List<AclEntry> read = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      try {
        read.add(AclEntry.parse(text(entry, "subject"), text(entry, "resource"),
            text(entry, "access")));
      } catch (InvalidAclException e) {
        throw new UnreadableAclsException("the ACL node's entry " + i + " is invalid ("
            + e.field() + "): " + e.getMessage());
      }
    }
    return AclTable.of(read);
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = entry.path(field);
    return value.isTextual() ? value.textValue() : null;
  }

  /** An ACL node this version cannot read; its message says why. */
  static final class UnreadableAclsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableAclsException(String message) {
      super(message);
    }
  }
}
