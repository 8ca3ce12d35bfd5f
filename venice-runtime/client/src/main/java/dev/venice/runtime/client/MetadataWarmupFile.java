package dev.venice.runtime.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.spi.client.Replica;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The metadata warm-up file: a fast client's routing metadata as JSON, versioned, written
 * atomically. The format is documented in {@code docs/metadata-warmup.md}; the record components
 * below are its field names, and {@code src/test/resources/metadata-warmup/format-v1.json} is a
 * committed version-1 file every later reader must still read.
 *
 * <p>Compatibility rule: a reader of format version N reads every version from 1 to N and ignores
 * fields it does not know; a file of a newer version is ignored. A change an older reader could
 * misread (a field whose meaning changes, or one it must not ignore, such as a partitioner other
 * than Venice's default) takes a new format version.
 *
 * <p>Stateless and thread-safe; two writers of the same file (two processes) never leave a partial
 * file, the last move wins.
 */
final class MetadataWarmupFile {
  /** The newest format version this client reads, and the one it writes. */
  static final int FORMAT_VERSION = 1;
  /** Temp files older than this, left by a writer that crashed, are deleted by the next write. */
  private static final long LEFTOVER_MILLIS = 60_000;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
      .configure(SerializationFeature.INDENT_OUTPUT, true);

  private MetadataWarmupFile() {}

  /**
   * What was saved: the metadata, the routers it came from, and when a router last confirmed it.
   *
   * @param savedAtMillis epoch milliseconds when a router last answered with this metadata (not
   *     when the file was written), so the file's age is the metadata's age
   */
  record Saved(RoutingMetadata metadata, List<String> routerUrls, long savedAtMillis) {
    Saved {
      Objects.requireNonNull(metadata, "metadata");
      routerUrls = List.copyOf(routerUrls);
    }
  }

  /** The outcome of reading a file. */
  sealed interface ReadResult permits Usable, Absent, Unusable {}

  /** The file holds {@code saved}, for the expected store, in a format this client reads. */
  record Usable(Saved saved) implements ReadResult {}

  /** No file at that path: a first start. */
  record Absent() implements ReadResult {}

  /** The file cannot be used; {@code reason} says why (names no path: the caller adds it). */
  record Unusable(String reason) implements ReadResult {}

  // ---- format version 1: the record components are the JSON field names ----

  record FileV1(int formatVersion, String store, List<String> routerUrls, long savedAt,
      MetadataV1 metadata) {}

  record MetadataV1(int currentVersion, int partitionCount, CompressionStrategy compression,
      String keySchema, Map<Integer, String> valueSchemas, List<List<ReplicaV1>> replicas,
      Map<String, String> pluginSettings) {}

  record ReplicaV1(String instanceId, String host, int port) {}

  /**
   * Reads {@code file}, expecting metadata of {@code store}. Never throws for a bad file: every
   * problem (unreadable, empty, truncated, not JSON, newer format, another store, a missing or
   * invalid field, a schema that does not parse) is an {@link Unusable} with the reason.
   */
  static ReadResult read(Path file, String store) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Absent();
    } catch (IOException | SecurityException e) {
      return new Unusable("cannot read it: " + e);
    }
    if (bytes.length == 0) {
      return new Unusable("it is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      return new Unusable("it is not valid JSON (truncated?): " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      return new Unusable("it is not a JSON object");
    }
    JsonNode version = root.get("formatVersion");
    if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
      return new Unusable("it has no integer formatVersion");
    }
    int formatVersion = version.asInt();
    if (formatVersion > FORMAT_VERSION) {
      return new Unusable("its format version " + formatVersion + " is newer than this client"
          + " reads (up to " + FORMAT_VERSION + ")");
    }
    JsonNode savedStore = root.get("store");
    if (savedStore != null && savedStore.isTextual() && !savedStore.asText().equals(store)) {
      return new Unusable("it holds store " + savedStore.asText() + ", not " + store);
    }
    try {
      Saved saved = switch (formatVersion) {
        case 1 -> fromV1(JSON.treeToValue(root, FileV1.class));
        default -> null;
      };
      if (saved == null) {
        return new Unusable("its format version " + formatVersion + " is unknown");
      }
      if (!saved.metadata().store().equals(store)) {
        return new Unusable("it holds store " + saved.metadata().store() + ", not " + store);
      }
      return new Usable(saved);
    } catch (JsonMappingException e) {
      return new Unusable("field " + path(e) + ": " + firstLine(e));
    } catch (JsonProcessingException | RuntimeException e) {
      return new Unusable(firstLine(e));
    }
  }

  private static Saved fromV1(FileV1 file) {
    MetadataV1 m = file.metadata();
    if (m.partitionCount() < 1) {
      throw new IllegalArgumentException("metadata.partitionCount " + m.partitionCount()
          + " is not positive");
    }
    if (m.replicas().size() != m.partitionCount()) {
      throw new IllegalArgumentException("metadata.replicas lists " + m.replicas().size()
          + " partitions, metadata.partitionCount says " + m.partitionCount());
    }
    if (m.valueSchemas().isEmpty()) {
      throw new IllegalArgumentException("metadata.valueSchemas is empty");
    }
    List<List<Replica>> replicas = new ArrayList<>();
    for (int p = 0; p < m.replicas().size(); p++) {
      List<Replica> partition = new ArrayList<>();
      for (ReplicaV1 r : Objects.requireNonNull(m.replicas().get(p),
          "metadata.replicas[" + p + "] is null")) {
        Objects.requireNonNull(r, "metadata.replicas[" + p + "] holds a null replica");
        partition.add(new Replica(r.instanceId(), r.host(), r.port()));
      }
      replicas.add(List.copyOf(partition));
    }
    RoutingMetadata metadata = new RoutingMetadata(file.store(), m.currentVersion(),
        m.partitionCount(), m.compression(), m.keySchema(), new TreeMap<>(m.valueSchemas()),
        List.copyOf(replicas), Map.copyOf(m.pluginSettings()));
    parses("metadata.keySchema", m.keySchema());
    m.valueSchemas().forEach((id, schema) -> parses("metadata.valueSchemas." + id, schema));
    return new Saved(metadata, file.routerUrls(), file.savedAt());
  }

  private static void parses(String field, String schema) {
    try {
      new Schema.Parser().parse(schema);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + " is not an Avro schema: " + e.getMessage(), e);
    }
  }

  /** The file's bytes in the newest format. */
  static byte[] encode(Saved saved) {
    RoutingMetadata m = saved.metadata();
    List<List<ReplicaV1>> replicas = m.replicas().stream().map(partition -> partition.stream()
        .map(r -> new ReplicaV1(r.instanceId(), r.host(), r.port())).toList()).toList();
    FileV1 file = new FileV1(FORMAT_VERSION, m.store(), saved.routerUrls(), saved.savedAtMillis(),
        new MetadataV1(m.currentVersion(), m.partitionCount(), m.compressionStrategy(),
            m.keySchema(), new TreeMap<>(m.valueSchemas()), replicas,
            new TreeMap<>(m.pluginSettings())));
    try {
      return JSON.writeValueAsBytes(file);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode routing metadata of store " + m.store(), e);
    }
  }

  /**
   * Writes {@code saved} to {@code file} atomically: to a temp file in the same directory, forced
   * to disk, then moved over {@code file} in one step. A reader sees the old file or the new one,
   * never part of one; a crash leaves at most a temp file, which readers never open.
   *
   * @param beforeMove runs after the temp file is on disk and before the move (tests fail here)
   * @throws IOException when any step fails; {@code file} is then unchanged
   */
  static void write(Path file, Saved saved, IoStep beforeMove) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    String prefix = tempPrefix(target);
    deleteLeftovers(dir, prefix);
    Path temp = Files.createTempFile(dir, prefix, ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = ByteBuffer.wrap(encode(saved));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      beforeMove.run();
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(dir);
  }

  /** An I/O step that may fail. */
  @FunctionalInterface
  interface IoStep {
    IoStep NONE = () -> {};

    void run() throws IOException;
  }

  /** Temp files of {@code target} start with this: hidden, and never the target's own name. */
  static String tempPrefix(Path target) {
    return "." + target.getFileName() + ".";
  }

  private static void deleteLeftovers(Path dir, String prefix) {
    long before = System.currentTimeMillis() - LEFTOVER_MILLIS;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, prefix + "*.tmp")) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).toMillis() < before) {
          Files.deleteIfExists(temp);
        }
      }
    } catch (IOException e) {
      // best effort: a leftover temp file is never read
    }
  }

  /** Makes the rename durable; some platforms cannot open a directory, and then it is skipped. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // the move itself is atomic; only its durability across a power loss is at stake
    }
  }

  /** A JSON path such as {@code metadata.replicas[0][1].port}. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "(top level)" : path.toString();
  }

  private static String firstLine(Exception e) {
    String message = e instanceof JsonProcessingException json ? json.getOriginalMessage()
        : e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
