package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.store.StandInController.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice push --benchmark-compression} against a stand-in controller: it reads only the
 * store's schemas (no version is started, nothing is written), prints one row per strategy and a
 * recommendation, or the report as JSON, and refuses bad options in one line.
 */
class PushBenchmarkCompressionTest {
  private static final String SCHEMAS = "{\"store\":\"users\",\"keySchema\":\"\\\"string\\\"\","
      + "\"valueSchemas\":[{\"id\":1,\"registeredAtMs\":1764650000000,\"schema\":"
      + "\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"User\\\",\\\"fields\\\":["
      + "{\\\"name\\\":\\\"name\\\",\\\"type\\\":\\\"string\\\"},"
      + "{\\\"name\\\":\\\"age\\\",\\\"type\\\":\\\"int\\\"}]}\"}]}";
  @RegisterExtension final StandInController standIn = new StandInController();
  @TempDir Path dir;

  private Path input(int records) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      lines.add("{\"key\": \"user-" + i + "\", \"value\": {\"name\": \"User number " + i
          + " of the benchmark\", \"age\": " + (i % 90) + "}}");
    }
    return Files.write(dir.resolve("users.jsonl"), lines);
  }

  private static Run run(String... args) {
    return StandInController.run(new PushCommand(), args);
  }

  @Test
  void measuresEveryStrategyOnASampleAndChangesNothing() throws Exception {
    String url = standIn.url(Map.of("/stores/users/schemas", SCHEMAS));
    Run run = run("--store", "users", "--file", input(2_000).toString(),
        "--benchmark-compression", "--sample-size", "500", "--controller", url);
    assertEquals(0, run.status(), run.err());
    assertEquals(List.of("/stores/users/schemas"), standIn.asked(), "read the schemas only");
    String out = run.out();
    assertTrue(out.startsWith("compression of 500 values sampled from 2,000 records"), out);
    for (String strategy : List.of("NO_OP", "GZIP", "ZSTD", "ZSTD_WITH_DICT")) {
      assertTrue(out.lines().anyMatch(l -> l.startsWith(strategy + " ")), out);
    }
    assertTrue(out.contains("recommended: "), out);
  }

  @Test
  void jsonIsTheReport() throws Exception {
    String url = standIn.url(Map.of("/stores/users/schemas", SCHEMAS));
    Run run = run("--store", "users", "--file", input(100).toString(),
        "--benchmark-compression", "--json", "--controller", url);
    assertEquals(0, run.status(), run.err());
    assertEquals(100, run.json().path("sampledRecords").asInt());
    assertEquals(4, run.json().path("rows").size());
    assertTrue(run.json().path("rows").get(3).path("dictionaryBytes").asInt() > 0);
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    Path file = input(10);
    Run size = run("--store", "users", "--file", file.toString(), "--benchmark-compression",
        "--sample-size", "0", "--controller", "http://127.0.0.1:1");
    assertEquals(2, size.status());
    assertTrue(size.err().contains("--sample-size must be at least 1"), size.err());
    Run budget = run("--store", "users", "--file", file.toString(), "--benchmark-compression",
        "--decompression-budget-us", "-3", "--controller", "http://127.0.0.1:1");
    assertEquals(2, budget.status());
    assertTrue(budget.err().contains("--decompression-budget-us must be a positive number"),
        budget.err());
  }
}
