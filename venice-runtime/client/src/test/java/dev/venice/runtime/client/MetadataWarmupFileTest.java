package dev.venice.runtime.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.MetadataWarmupFile.Saved;
import dev.venice.runtime.client.MetadataWarmupFile.Unusable;
import dev.venice.runtime.client.MetadataWarmupFile.Usable;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.spi.client.Replica;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up file's format, its compatibility rule and its atomic write. */
class MetadataWarmupFileTest {
  static final String USER_V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":"
      + "[{\"name\":\"name\",\"type\":\"string\"}]}";
  static final String USER_V2 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":"
      + "[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\","
      + "\"default\":0}]}";

  @TempDir
  Path dir;

  static RoutingMetadata metadata(String store, int version, List<List<Replica>> replicas) {
    return new RoutingMetadata(store, version, replicas.size(), CompressionStrategy.GZIP,
        "\"string\"", Map.of(1, USER_V1, 2, USER_V2), replicas,
        Map.of("plugins.hedging.delay", "5ms", "plugins.read-timeout.read-timeout-ms", "50"));
  }

  static Replica replica(String name, int port) {
    return new Replica(name + "_" + port, name, port);
  }

  private static final RoutingMetadata USERS = metadata("users", 7, List.of(
      List.of(replica("a", 7001), replica("b", 7002)),
      List.of(replica("b", 7002), replica("c", 7003)),
      List.of()));

  @Test
  void everyFieldSurvivesARoundTrip() throws IOException {
    Path file = dir.resolve("users.json");
    Saved saved = new Saved(USERS, List.of("http://r1:7777", "http://r2:7777"), 1_767_225_600_123L);
    MetadataWarmupFile.write(file, saved, MetadataWarmupFile.IoStep.NONE);

    Usable read = assertInstanceOf(Usable.class, MetadataWarmupFile.read(file, "users"));
    assertEquals(saved, read.saved());
    assertEquals(USERS, read.saved().metadata(), "store, version, partitions, compression,"
        + " key and value schemas, replicas with instanceId/host/port, plugin settings");
    String json = Files.readString(file);
    assertTrue(json.contains("\"formatVersion\" : 1"), json);
  }

  @Test
  void theCommittedVersionOneSampleStillReads() throws IOException, URISyntaxException {
    Path sample = Path.of(getClass().getResource("/metadata-warmup/format-v1.json").toURI());
    Usable read = assertInstanceOf(Usable.class, MetadataWarmupFile.read(sample, "users"),
        "a reader must read every format version up to its own");
    RoutingMetadata m = read.saved().metadata();
    assertEquals(1_767_225_600_000L, read.saved().savedAtMillis());
    assertEquals(List.of("http://router-1.example:7777", "http://router-2.example:7777"),
        read.saved().routerUrls());
    assertEquals("users", m.store());
    assertEquals(7, m.currentVersion());
    assertEquals(2, m.partitionCount());
    assertEquals(CompressionStrategy.ZSTD, m.compressionStrategy());
    assertEquals("\"string\"", m.keySchema());
    assertEquals(Map.of(1, USER_V1, 2, USER_V2), m.valueSchemas());
    assertEquals(List.of(
        List.of(new Replica("server-a_7001", "server-a", 7001),
            new Replica("server-b_7001", "server-b", 7001)),
        List.of(new Replica("server-b_7001", "server-b", 7001),
            new Replica("server-c_7002", "server-c", 7002))), m.replicas());
    assertEquals(Map.of("plugins.hedging.delay", "5ms",
        "plugins.read-timeout.read-timeout-ms", "50"), m.pluginSettings());
  }

  @Test
  void fieldsThisReaderDoesNotKnowAreIgnored() throws Exception {
    String json = sample().replace("\"savedAt\"", "\"writtenBy\" : \"a later client\",\n"
        + "  \"savedAt\"").replace("\"compression\"", "\"partitioner\" : \"default\",\n"
        + "    \"compression\"");
    assertInstanceOf(Usable.class, MetadataWarmupFile.read(write(json), "users"));
  }

  @Test
  void unusableFilesSayWhy() throws Exception {
    String sample = sample();
    assertEquals("it is empty", reason(""));
    assertTrue(reason(sample.substring(0, sample.length() / 2)).startsWith(
        "it is not valid JSON (truncated?)"), "truncated");
    assertTrue(reason("{\"formatVersion\": 1, ").startsWith("it is not valid JSON"), "truncated");
    assertTrue(reason("\u0000\u0001garbage").startsWith("it is not valid JSON"), "corrupt");
    assertTrue(reason(sample + "}").startsWith("it is not valid JSON"), "trailing bytes");
    assertEquals("it is not a JSON object", reason("[1, 2]"));
    assertEquals("it has no integer formatVersion",
        reason(sample.replace("\"formatVersion\" : 1,", "")));
    assertEquals("it has no integer formatVersion",
        reason(sample.replace("\"formatVersion\" : 1", "\"formatVersion\" : \"1\"")));
    assertEquals("its format version 2 is newer than this client reads (up to 1)",
        reason(sample.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2")));
    assertEquals("its format version 0 is unknown",
        reason(sample.replace("\"formatVersion\" : 1", "\"formatVersion\" : 0")));
    assertEquals("it holds store orders, not users",
        reason(sample.replace("\"store\" : \"users\"", "\"store\" : \"orders\"")));
  }

  @Test
  void aMissingOrInvalidFieldNamesTheField() throws Exception {
    String sample = sample();
    assertReason("partitionCount",
        sample.replace("\"partitionCount\" : 2,", ""));
    assertReason("savedAt", sample.replace("\"savedAt\" : 1767225600000,", ""));
    assertReason("metadata", sample.replaceAll("(?s)\"metadata\" : \\{.*\\}\\s*\\}\\s*$",
        "\"metadata\" : null }"));
    assertReason("metadata.compression",
        sample.replace("\"ZSTD\"", "\"LZ4\""));
    assertReason("port", sample.replace("\"port\" : 7002", "\"port\" : 0"));
    assertReason("instanceId", sample.replace("\"instanceId\" : \"server-c_7002\",", ""));
    assertReason("metadata.replicas lists 2 partitions, metadata.partitionCount says 3",
        sample.replace("\"partitionCount\" : 2", "\"partitionCount\" : 3"));
    assertReason("metadata.valueSchemas is empty",
        sample.replaceAll("(?s)\"valueSchemas\" : \\{.*?\\},\\s*\"replicas\"",
            "\"valueSchemas\" : {}, \"replicas\""));
    assertReason("keySchema", sample.replace("\"keySchema\" : \"\\\"string\\\"\"",
        "\"keySchema\" : \"not a schema\""));
  }

  private void assertReason(String expectedPart, String json) throws IOException {
    String reason = reason(json);
    assertTrue(reason.contains(expectedPart), "'" + expectedPart + "' in: " + reason);
  }

  @Test
  void anUnreadableOrMissingFile() throws IOException {
    assertInstanceOf(MetadataWarmupFile.Absent.class,
        MetadataWarmupFile.read(dir.resolve("none.json"), "users"));
    Path directory = Files.createDirectory(dir.resolve("a-directory.json"));
    Unusable unusable = assertInstanceOf(Unusable.class,
        MetadataWarmupFile.read(directory, "users"));
    assertTrue(unusable.reason().startsWith("cannot read it"), unusable.reason());
  }

  @Test
  void aCrashMidWriteLeavesOnlyATempFileThatNobodyReads() throws IOException {
    Path file = dir.resolve("users.json");
    Saved before = new Saved(USERS, List.of("http://r1:7777"), 1000);
    MetadataWarmupFile.write(file, before, MetadataWarmupFile.IoStep.NONE);
    // a writer that died after writing half of its temp file
    byte[] next = MetadataWarmupFile.encode(new Saved(USERS, List.of("http://r1:7777"), 2000));
    Path half = dir.resolve(MetadataWarmupFile.tempPrefix(file) + "12345.tmp");
    Files.write(half, java.util.Arrays.copyOf(next, next.length / 2));

    assertEquals(before, ((Usable) MetadataWarmupFile.read(file, "users")).saved());
    assertTrue(Files.exists(half), "a fresh leftover may be another writer's: kept");

    Files.setLastModifiedTime(half, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    Saved after = new Saved(USERS, List.of("http://r1:7777"), 3000);
    MetadataWarmupFile.write(file, after, MetadataWarmupFile.IoStep.NONE);
    assertEquals(after, ((Usable) MetadataWarmupFile.read(file, "users")).saved());
    assertEquals(List.of(file), files(), "the old leftover is gone, no temp file stays");
  }

  @Test
  void aWriteThatFailsBeforeTheMoveLeavesTheOldFileWhole() throws IOException {
    Path file = dir.resolve("users.json");
    Saved before = new Saved(USERS, List.of("http://r1:7777"), 1000);
    MetadataWarmupFile.write(file, before, MetadataWarmupFile.IoStep.NONE);
    byte[] bytesBefore = Files.readAllBytes(file);

    Saved changed = new Saved(metadata("users", 8, List.of(List.of(replica("d", 7004)))),
        List.of("http://r1:7777"), 2000);
    assertThrows(IOException.class, () -> MetadataWarmupFile.write(file, changed, () -> {
      throw new IOException("disk full");
    }));
    assertArrayEquals(bytesBefore, Files.readAllBytes(file), "the target is never partial");
    assertEquals(List.of(file), files(), "the failed write's temp file is deleted");
  }

  @Test
  void theDirectoryIsCreated() throws IOException {
    Path file = dir.resolve("a/b/users.json");
    MetadataWarmupFile.write(file, new Saved(USERS, List.of(), 1), MetadataWarmupFile.IoStep.NONE);
    assertInstanceOf(Usable.class, MetadataWarmupFile.read(file, "users"));
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> listed = Files.list(dir)) {
      return listed.toList();
    }
  }

  private String reason(String json) throws IOException {
    return assertInstanceOf(Unusable.class, MetadataWarmupFile.read(write(json), "users"),
        json).reason();
  }

  private Path write(String json) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "case", ".json"), json,
        StandardCharsets.UTF_8);
  }

  static String sample() throws IOException {
    try (var in = MetadataWarmupFileTest.class.getResourceAsStream(
        "/metadata-warmup/format-v1.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
