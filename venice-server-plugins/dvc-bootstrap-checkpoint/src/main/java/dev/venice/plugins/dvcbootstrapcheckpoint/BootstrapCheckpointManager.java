package dev.venice.plugins.dvcbootstrapcheckpoint;

import dev.venice.spi.davinci.LocalCopy;
import dev.venice.spi.davinci.ResumeDecision;
import dev.venice.spi.plugin.TimeSource;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Venice's {@code BootstrapCheckpointManager} (seed project 21): the checkpoint files of a Da Vinci
 * client's local partitions, and the rule that decides whether a partition may resume from its
 * local copy.
 *
 * <p><b>Files.</b> One per store version, {@code <directory>/<store>/v<version>.checkpoint}, a
 * Java properties file: {@code format=1}, {@code store}, {@code version}, {@code topicId} (Kafka's
 * id of the version topic), {@code writtenAtMs}, and {@code partition.<n>=<offset>} for each
 * partition checkpointed (the last offset its local copy holds durably). A file is written whole
 * to a temporary file in the same folder, synced, renamed over the old one atomically ({@code
 * ATOMIC_MOVE}), and the folder synced: a crash at any moment leaves the old file or the new one,
 * never a torn one. Files of versions older than the one a client swapped to are deleted.
 *
 * <p><b>The rule</b> ({@link #decide}): resume only when the checkpoint of the version being
 * subscribed exists and parses, names the topic Kafka has now (same topic id: a deleted and
 * recreated topic is another topic), holds the partition, its offset lies within the topic's
 * current range (the records after it are still in Kafka: {@code start <= offset + 1 <= end}), and
 * the local copy holds at least that offset. Otherwise start over, saying which condition failed.
 *
 * <p>Thread-safe: writes and deletions are serialized; reads see whole files.
 */
final class BootstrapCheckpointManager {
  /** The file format this class writes and reads. */
  static final int FORMAT = 1;
  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.checkpoint");
  private static final String PARTITION_PREFIX = "partition.";

  /**
   * A checkpoint as read back.
   *
   * @param store the store
   * @param version the store version
   * @param topicId Kafka's id of the version topic when written
   * @param writtenAtMs when it was written (epoch ms, the client's clock)
   * @param offsets partition to the last offset held durably
   */
  record Checkpoint(String store, int version, String topicId, long writtenAtMs,
      SortedMap<Integer, Long> offsets) {}

  private final Path directory;
  private final TimeSource time;

  BootstrapCheckpointManager(Path directory, TimeSource time) {
    this.directory = directory;
    this.time = time;
  }

  /** The checkpoint file of a store version. */
  Path file(String store, int version) {
    return directory.resolve(store).resolve("v" + version + ".checkpoint");
  }

  /**
   * Writes a store version's checkpoint atomically (see the class comment), replacing the last. A
   * partition missing from {@code offsets} keeps its entry of the previous checkpoint of the same
   * topic: a client restarting subscribes its partitions one by one, and a checkpoint taken
   * meanwhile must not drop the entries of those not subscribed yet (whose local copies still wait
   * for their decision). Such an entry is safe to keep: a partition's copy is deleted when it is
   * unsubscribed or started over, and one that is behind the entry never resumes from it.
   *
   * @param offsets partition to the last offset held durably; partitions at -1 are left out
   * @throws IOException when the folder or file cannot be written (the old file stays)
   */
  synchronized void write(String store, int version, String topicId, Map<Integer, Long> offsets)
      throws IOException {
    Map<Integer, Long> merged = new TreeMap<>();
    try {
      read(store, version).filter(previous -> previous.topicId().equals(topicId))
          .ifPresent(previous -> merged.putAll(previous.offsets()));
    } catch (IOException unusable) {
      // replaced by this one
    }
    offsets.forEach((partition, offset) -> {
      if (offset >= 0) {
        merged.put(partition, offset);
      }
    });
    Properties properties = new Properties();
    properties.setProperty("format", Integer.toString(FORMAT));
    properties.setProperty("store", store);
    properties.setProperty("version", Integer.toString(version));
    properties.setProperty("topicId", topicId);
    properties.setProperty("writtenAtMs", Long.toString(time.now().toEpochMilli()));
    merged.forEach((partition, offset) ->
        properties.setProperty(PARTITION_PREFIX + partition, Long.toString(offset)));
    StringWriter text = new StringWriter();
    properties.store(text, "Venice Da Vinci bootstrap checkpoint (dvc-bootstrap-checkpoint)");
    Path target = file(store, version);
    Path folder = target.getParent();
    Files.createDirectories(folder);
    deleteLeftoverTemporaryFiles(folder, target); // of writes a crash interrupted
    Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true); // the content is on disk before the rename makes it the checkpoint
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
    syncFolder(folder); // the rename itself survives a machine crash
  }

  /**
   * A store version's checkpoint.
   *
   * @return empty when there is none
   * @throws IOException when the file cannot be read or is not a checkpoint of this version (the
   *     message says what is wrong)
   */
  Optional<Checkpoint> read(String store, int version) throws IOException {
    Path path = file(store, version);
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      throw new IOException(path + " is malformed: " + e.getMessage(), e);
    }
    try {
      int format = Integer.parseInt(required(properties, "format", path));
      if (format != FORMAT) {
        throw new IOException(path + " has format " + format + "; this plugin reads " + FORMAT);
      }
      if (!store.equals(required(properties, "store", path))
          || version != Integer.parseInt(required(properties, "version", path))) {
        throw new IOException(path + " is not the checkpoint of store " + store + " version "
            + version);
      }
      SortedMap<Integer, Long> offsets = new TreeMap<>();
      for (String name : properties.stringPropertyNames()) {
        if (name.startsWith(PARTITION_PREFIX)) {
          offsets.put(Integer.parseInt(name.substring(PARTITION_PREFIX.length())),
              Long.parseLong(properties.getProperty(name)));
        }
      }
      return Optional.of(new Checkpoint(store, version, required(properties, "topicId", path),
          Long.parseLong(required(properties, "writtenAtMs", path)), offsets));
    } catch (NumberFormatException e) {
      throw new IOException(path + " holds a malformed number: " + e.getMessage(), e);
    }
  }

  /** Whether the partition may resume from its local copy: the rule of the class comment. */
  ResumeDecision decide(LocalCopy copy) {
    Optional<Checkpoint> found;
    try {
      found = read(copy.store(), copy.version());
    } catch (IOException e) {
      return ResumeDecision.startOver("unusable checkpoint: " + e.getMessage());
    }
    if (found.isEmpty()) {
      return ResumeDecision.startOver("no checkpoint of version " + copy.version() + " in "
          + directory);
    }
    Checkpoint checkpoint = found.get();
    if (copy.topicId().isEmpty() || !copy.topicId().equals(checkpoint.topicId())) {
      return ResumeDecision.startOver("the checkpoint is of topic id " + checkpoint.topicId()
          + " but " + copy.topic() + " now has id "
          + (copy.topicId().isEmpty() ? "(unknown)" : copy.topicId()) + ": recreated since");
    }
    Long offset = checkpoint.offsets().get(copy.partition());
    if (offset == null) {
      return ResumeDecision.startOver("the checkpoint of version " + copy.version()
          + " has no offset for partition " + copy.partition());
    }
    if (offset + 1 < copy.topicStartOffset() || offset + 1 > copy.topicEndOffset()) {
      return ResumeDecision.startOver("checkpointed offset " + offset + " is outside the topic's"
          + " current range (offsets " + copy.topicStartOffset() + " to " + copy.topicEndOffset()
          + "): stale, or the topic was truncated since");
    }
    if (copy.localOffset() < offset) {
      return ResumeDecision.startOver("the local copy holds offset " + copy.localOffset()
          + ", behind its checkpoint at " + offset + " (not the files the checkpoint was made"
          + " of)");
    }
    return ResumeDecision.resume("checkpoint of version " + copy.version() + " at offset "
        + offset + " (written " + (time.now().toEpochMilli() - checkpoint.writtenAtMs())
        + " ms ago); the local copy continues from offset " + copy.localOffset());
  }

  /**
   * Deletes the checkpoints of a store's versions older than {@code version} (after a swap to it:
   * their partitions are gone).
   *
   * @return how many files were deleted
   * @throws IOException when the folder cannot be listed or a file deleted
   */
  synchronized int deleteOlderThan(String store, int version) throws IOException {
    Path folder = directory.resolve(store);
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    int deleted = 0;
    try (Stream<Path> files = Files.list(folder)) {
      for (Path path : files.toList()) {
        Matcher name = VERSION_FILE.matcher(path.getFileName().toString());
        if (name.matches() && Integer.parseInt(name.group(1)) < version) {
          Files.deleteIfExists(path);
          deleted++;
        }
      }
    }
    return deleted;
  }

  private static void deleteLeftoverTemporaryFiles(Path folder, Path target) throws IOException {
    String prefix = "." + target.getFileName();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith(prefix) && name.endsWith(".tmp")) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static String required(Properties properties, String key, Path path)
      throws IOException {
    String value = properties.getProperty(key);
    if (value == null) {
      throw new IOException(path + " lacks " + key);
    }
    return value;
  }

  private static void syncFolder(Path folder) throws IOException {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
