package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.Output;
import dev.venice.cli.store.StandInController.Run;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice generate-schema-docs} against a stand-in controller: a page per store and an
 * index in the output folder (created when missing), one store with {@code --store}, the JSON
 * answer, and failures naming the unknown store or the folder that cannot be written.
 */
class GenerateSchemaDocsCommandTest {
  private static final String SCHEMA = "{\"type\": \"record\", \"name\": \"User\", \"fields\":"
      + " [{\"name\": \"name\", \"type\": \"string\", \"doc\": \"Full name.\"}]}";
  @RegisterExtension final StandInController standIn = new StandInController();
  @TempDir Path dir;

  private String controller() throws Exception {
    String schemas = Output.JSON.writeValueAsString(new StoreSchemas("users", "\"string\"",
        List.of(new ValueSchema(1, SCHEMA, 0))));
    String store = "{\"name\":\"%s\",\"keySchema\":\"\\\"string\\\"\",\"partitionCount\":2,"
        + "\"replicationFactor\":1,\"compressionStrategy\":\"NO_OP\","
        + "\"schemaCompatibility\":\"FULL\",\"versions\":[],\"pluginSettings\":{}}";
    return standIn.url(Map.of("/stores", "{\"stores\":[\"users\",\"clicks\"]}",
        "/stores/users", store.formatted("users"), "/stores/users/schemas", schemas,
        "/stores/clicks", store.formatted("clicks"), "/stores/clicks/schemas",
        schemas.replace("\"users\"", "\"clicks\"")));
  }

  private static Run run(String... args) {
    return StandInController.run(new GenerateSchemaDocsCommand(), args);
  }

  @Test
  void writesAPagePerStoreAndAnIndex() throws Exception {
    Path out = dir.resolve("docs/schemas");
    Run run = run("--controller", controller(), "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals("wrote 2 pages and " + out.resolve("index.md") + " to " + out, run.out());
    String page = Files.readString(out.resolve("users.md"));
    assertTrue(page.startsWith("# Store `users`"), page);
    assertTrue(page.contains("| `name` | string |  | Full name. |"), page);
    assertTrue(Files.readString(out.resolve("index.md")).contains(
        "| `clicks` | 1 | [clicks.md](clicks.md) |"));

    JsonNode json = run("--controller", controller(), "--out", out.toString(), "--store",
        "users", "--json").json();
    assertEquals(1, json.path("pages").size(), json.toString());
    assertEquals(out.resolve("users.md").toString(), json.path("pages").get(0).path("file")
        .asText());
  }

  @Test
  void anUnknownStoreOrAnUnwritableFolderFailsNamingIt() throws Exception {
    Run unknown = run("--controller", controller(), "--out", dir.toString(), "--store", "nope");
    assertEquals(1, unknown.status());
    assertTrue(unknown.err().contains("store nope does not exist"), unknown.err());

    Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    Run unwritable = run("--controller", controller(), "--out", file.toString());
    assertEquals(1, unwritable.status());
    assertTrue(unwritable.err().contains("--out: cannot write"), unwritable.err());
  }
}
