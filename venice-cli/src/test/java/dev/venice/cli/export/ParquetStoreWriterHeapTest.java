package dev.venice.cli.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer streams: a child JVM with a 64 MiB heap writes ~150 MiB of incompressible values,
 * which it could not do if rows were buffered beyond one row group.
 */
class ParquetStoreWriterHeapTest {

  static final long SEED = 20261202L;

  /** ~150 MiB of values: 19,000 rows of 8 KiB random bytes and 64 random characters. */
  static final long ROWS = 19_000;

  @TempDir Path dir;

  @Test
  void writesMoreThanTheHeapInASmallHeap() throws Exception {
    Path out = dir.resolve("big.parquet");
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            // An out-of-memory error anywhere (also on a thread that swallows it) ends the child
            // with a non-zero code instead of letting it limp on.
            "-XX:+ExitOnOutOfMemoryError",
            "-cp", System.getProperty("java.class.path"),
            ParquetHeapChild.class.getName(),
            out.toString(), Long.toString(ROWS), Long.toString(SEED))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    if (!child.waitFor(60, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
      fail("the child did not finish in 60 s:\n" + Files.readString(log));
    }
    assertEquals(0, child.exitValue(), () -> "child output:\n" + readQuietly(log));
    // The random payloads do not compress, so the file holds at least all of them: the data
    // really went through the child's small heap. (The printable text compresses a little.)
    long payloadBytes = ROWS * ParquetHeapChild.PAYLOAD_BYTES;
    assertTrue(Files.size(out) >= payloadBytes,
        "file " + Files.size(out) + " < payloads " + payloadBytes);

    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      String file = ParquetStoreWriterTest.parquet(out);
      try (ResultSet rs = st.executeQuery(
          "SELECT count(*), count(DISTINCT key), min(key), max(key) FROM " + file)) {
        assertTrue(rs.next());
        assertEquals(ROWS, rs.getLong(1));
        assertEquals(ROWS, rs.getLong(2));
        assertEquals(0, rs.getLong(3));
        assertEquals(ROWS - 1, rs.getLong(4));
      }
      try (ResultSet rs = st.executeQuery("SELECT count(DISTINCT row_group_id),"
          + " max(row_group_bytes), string_agg(DISTINCT compression) FROM parquet_metadata('"
          + ParquetStoreWriterTest.sqlPath(out) + "')")) {
        assertTrue(rs.next());
        String layout = "row groups: " + rs.getLong(1) + ", largest: " + rs.getLong(2) + " bytes";
        // ~150 MiB in 16 MiB row groups: several, each near the target, so the writer flushed
        // as it went instead of holding the data.
        assertTrue(rs.getLong(1) >= 8, layout);
        assertTrue(rs.getLong(2) <= ParquetStoreWriter.ROW_GROUP_SIZE_BYTES * 5 / 4, layout);
        assertEquals("ZSTD", rs.getString(3), layout);
      }
      for (long row : List.of(0L, 1L, 4_321L, ROWS / 2, ROWS - 2, ROWS - 1)) {
        try (ResultSet rs = st.executeQuery("SELECT file_row_number, value.payload, value.text"
            + " FROM " + file + " WHERE key = " + row)) {
          assertTrue(rs.next(), "row " + row);
          assertEquals(row, rs.getLong(1), "rows are in write order");
          assertArrayEquals(ParquetHeapChild.payload(SEED, row), rs.getBytes(2), "row " + row);
          assertEquals(ParquetHeapChild.text(SEED, row), rs.getString(3), "row " + row);
        }
      }
    }
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
