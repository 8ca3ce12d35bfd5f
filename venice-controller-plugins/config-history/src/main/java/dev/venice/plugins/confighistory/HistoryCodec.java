package dev.venice.plugins.confighistory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.plugins.confighistory.HistoryEntry.Change;
import dev.venice.plugins.confighistory.HistoryEntry.Detail;
import dev.venice.plugins.confighistory.HistoryEntry.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The stored form of a store's history: one ZooKeeper node holding
 *
 * <pre>
 * node  := FORMAT(1 byte, = 1) frame*            frames oldest first
 * frame := length(4 bytes, big-endian int) gzip(entry JSON, UTF-8)
 * </pre>
 *
 * <p>Each entry is compressed on its own, so an append compresses only the new entry and rotation
 * drops whole frames without decompressing the others. The entry JSON uses one-letter keys:
 *
 * <pre>{@code
 * {"s": seq, "t": timeMs, "z": afterZxid, "p": principal, "a": address, "o": operation,
 *  "d": detail (absent when full), "n": changeCount,
 *  "c": [{"f": [path...], "k": "a"|"r"|"c", "o": old (absent if added), "n": new (absent if
 *         removed)}, ...],
 *  "g": {the configuration after} (absent for a deletion or reduced detail)}
 * }</pre>
 *
 * A reader seeing another FORMAT byte refuses the node (a newer plugin wrote it). Stateless.
 */
final class HistoryCodec {
  /** The format byte this version writes and reads. */
  static final byte FORMAT = 1;
  /** Bytes of a node before its first frame. */
  static final int HEADER_BYTES = 1;
  /** Bytes of a frame before its entry. */
  static final int FRAME_HEADER_BYTES = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private HistoryCodec() {}

  /** A node's data that is not a history this version can read. */
  static final class UnreadableHistoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Whether a newer format wrote it (then it must not be overwritten). */
    final boolean newerFormat;

    UnreadableHistoryException(String message, boolean newerFormat) {
      super(message);
      this.newerFormat = newerFormat;
    }
  }

  /**
   * A node's frames (each a compressed entry), oldest first; an empty node (zero bytes) has none.
   *
   * @throws UnreadableHistoryException when the format byte is another, or the framing is broken
   */
  static List<byte[]> frames(byte[] node) {
    List<byte[]> frames = new ArrayList<>();
    if (node.length == 0) {
      return frames;
    }
    if (node[0] != FORMAT) {
      throw new UnreadableHistoryException("history format " + node[0] + " is not "
          + FORMAT + " (written by a newer config-history plugin?)", node[0] > FORMAT);
    }
    ByteBuffer in = ByteBuffer.wrap(node, HEADER_BYTES, node.length - HEADER_BYTES);
    while (in.hasRemaining()) {
      if (in.remaining() < FRAME_HEADER_BYTES) {
        throw new UnreadableHistoryException("history frame header cut short", false);
      }
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new UnreadableHistoryException("history frame of " + length + " bytes, "
            + in.remaining() + " left", false);
      }
      byte[] frame = new byte[length];
      in.get(frame);
      frames.add(frame);
    }
    return frames;
  }

  /** The node holding {@code frames} (oldest first). */
  static byte[] node(List<byte[]> frames) {
    ByteBuffer out = ByteBuffer.allocate(nodeSize(frames));
    out.put(FORMAT);
    for (byte[] frame : frames) {
      out.putInt(frame.length).put(frame);
    }
    return out.array();
  }

  /** The size in bytes of the node holding {@code frames}. */
  static int nodeSize(List<byte[]> frames) {
    long size = HEADER_BYTES;
    for (byte[] frame : frames) {
      size += FRAME_HEADER_BYTES + frame.length;
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  /** One entry's frame: its JSON, gzip'd. */
  static byte[] encode(HistoryEntry entry) {
    ObjectNode json = JSON.createObjectNode()
        .put("s", entry.seq()).put("t", entry.timeMs()).put("z", entry.afterZxid())
        .put("p", entry.principal()).put("a", entry.address()).put("o", entry.operation());
    if (entry.detail() != Detail.FULL) {
      json.put("d", entry.detail().code);
    }
    json.put("n", entry.changeCount());
    ArrayNode changes = json.putArray("c");
    for (Change change : entry.changes()) {
      ObjectNode c = changes.addObject();
      ArrayNode path = c.putArray("f");
      change.path().forEach(path::add);
      c.put("k", change.kind().code);
      if (entry.detail().compareTo(Detail.NO_VALUES) < 0) {
        if (change.kind() != Kind.ADDED) {
          c.set("o", JSON.valueToTree(change.oldValue()));
        }
        if (change.kind() != Kind.REMOVED) {
          c.set("n", JSON.valueToTree(change.newValue()));
        }
      }
    }
    if (entry.config() != null) {
      json.set("g", JSON.valueToTree(entry.config()));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      JSON.writeValue(gzip, json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a history entry", e);
    }
    return bytes.toByteArray();
  }

  /**
   * The entry in a frame.
   *
   * @throws UnreadableHistoryException when it is not gzip'd entry JSON
   */
  static HistoryEntry decode(byte[] frame) {
    JsonNode json;
    try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(frame))) {
      json = JSON.readTree(gzip);
    } catch (IOException e) {
      throw new UnreadableHistoryException("history entry unreadable: " + e.getMessage(), false);
    }
    try {
      List<Change> changes = new ArrayList<>();
      for (JsonNode c : json.path("c")) {
        List<String> path = new ArrayList<>();
        c.path("f").forEach(segment -> path.add(segment.asText()));
        changes.add(new Change(path, Kind.of(c.path("k").asText()), value(c.get("o")),
            value(c.get("n"))));
      }
      JsonNode config = json.get("g");
      return new HistoryEntry(json.path("s").asLong(), json.path("t").asLong(),
          json.path("z").asLong(), json.path("p").asText(), json.path("a").asText(),
          json.path("o").asText(), json.has("d") ? Detail.of(json.get("d").asText())
              : Detail.FULL, json.path("n").asInt(), changes,
          config == null || config.isNull() ? null : JSON.convertValue(config, MAP));
    } catch (IllegalArgumentException e) {
      throw new UnreadableHistoryException("history entry unreadable: " + e.getMessage(), false);
    }
  }

  private static Object value(JsonNode node) {
    return node == null || node.isNull() ? null : JSON.convertValue(node, Object.class);
  }
}
