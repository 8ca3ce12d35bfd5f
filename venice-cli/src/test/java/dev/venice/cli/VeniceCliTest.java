package dev.venice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.localcluster.LocalCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real {@code venice} commands against a real local cluster, output parsed, failures checked. */
class VeniceCliTest {
  private static LocalCluster cluster;
  @TempDir static Path dir;

  /** What one command did. */
  record Run(int status, String out, String err) {
    JsonNode json() throws Exception {
      return Output.JSON.readTree(out);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("venice.home", dir.resolve("home").toString());
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugins.audit-log.enabled", "true").build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    System.clearProperty("venice.home");
  }

  private static Run venice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString().trim(), err.toString().trim());
  }

  private static String[] withCluster(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--controller");
    all.add(cluster.controllerUrl());
    all.add("--router");
    all.add(cluster.routerUrl());
    return all.toArray(String[]::new);
  }

  @Test
  void storesSchemasPushesAndReadsEndToEnd() throws Exception {
    Path user = Files.writeString(dir.resolve("user.avsc"), """
        {"type": "record", "name": "User", "fields": [
          {"name": "name", "type": "string"}, {"name": "age", "type": "int"}]}""");
    Run created = venice(withCluster("store", "create", "--store", "cli-users", "--key-schema",
        "\"string\"", "--value-schema", "@" + user, "--partitions", "2", "--json"));
    assertEquals(0, created.status(), created.err());
    assertEquals(2, created.json().get("partitionCount").asInt());

    Run list = venice(withCluster("store", "list", "--json"));
    assertTrue(list.json().get("stores").toString().contains("cli-users"), list.out());

    Path v2 = Files.writeString(dir.resolve("user2.avsc"), """
        {"type": "record", "name": "User", "fields": [
          {"name": "name", "type": "string"}, {"name": "age", "type": "int"},
          {"name": "email", "type": "string", "default": ""}]}""");
    Run added = venice(withCluster("schema", "add", "--store", "cli-users", "--schema", "@" + v2,
        "--json"));
    assertEquals(2, added.json().get("id").asInt(), added.err());
    assertEquals(2, venice(withCluster("schema", "list", "--store", "cli-users", "--json"))
        .json().get("valueSchemas").size());

    Path data = Files.writeString(dir.resolve("users.jsonl"),
        "{\"key\": \"ann\", \"value\": {\"name\": \"Ann\", \"age\": 31, \"email\": \"a@x\"}}\n"
            + "{\"key\": \"bob\", \"value\": {\"name\": \"Bob\", \"age\": 42, \"email\": \"\"}}\n");
    Run pushed = venice(withCluster("push", "--store", "cli-users", "--file", data.toString(),
        "--json"));
    assertEquals(0, pushed.status(), pushed.err());
    assertEquals(1, pushed.json().get("version").asInt());
    assertEquals(2, pushed.json().get("records").asInt());
    cluster.awaitRoutable("cli-users", Duration.ofSeconds(60));

    Run got = venice(withCluster("get", "--store", "cli-users", "--key", "\"ann\"", "--json"));
    assertEquals(0, got.status(), got.err());
    assertEquals(31, got.json().get("value").get("age").asInt());
    Run fast = venice(withCluster("get", "--store", "cli-users", "--key", "\"bob\"", "--fast"));
    assertTrue(fast.out().contains("\"age\":42"), fast.out());
    assertEquals("null", venice(withCluster("get", "--store", "cli-users", "--key",
        "\"nobody\"")).out());

    Run batch = venice(withCluster("batch-get", "--store", "cli-users", "--keys",
        "[\"ann\", \"bob\", \"nobody\"]", "--json"));
    assertEquals(2, batch.json().size(), batch.out());

    Run describe = venice(withCluster("store", "describe", "--store", "cli-users", "--json"));
    assertEquals(1, describe.json().get("currentVersion").asInt());
    Run updated = venice(withCluster("store", "update", "--store", "cli-users", "--set",
        "numVersionsToPreserve=3", "--json"));
    assertEquals(3, updated.json().get("numVersionsToPreserve").asInt(), updated.err());

    Run status = venice(withCluster("cluster", "status", "--json"));
    assertEquals(cluster.clusterName(), status.json().get("cluster").asText());
    Run plugins = venice(withCluster("plugins", "list", "--json"));
    assertEquals(0, plugins.status(), plugins.err());
    assertEquals("controller", plugins.json().get(0).get("process").asText());

    assertEquals(0, venice(withCluster("store", "delete", "--store", "cli-users")).status());
  }

  @Test
  void dumpAuditLogPrintsTheStoresEvents() throws Exception {
    venice(withCluster("store", "create", "--store", "audited-cli", "--key-schema", "\"int\"",
        "--value-schema", "\"string\""));
    venice(withCluster("store", "update", "--store", "audited-cli", "--set",
        "replicationFactor=1"));
    venice(withCluster("store", "delete", "--store", "audited-cli"));
    JsonNode[] events = new JsonNode[1];
    dev.venice.runtime.localcluster.LocalCluster.waitFor("three events", Duration
        .ofSeconds(30), () -> {
          try {
            events[0] = venice(withCluster("dump-audit-log", "--store", "audited-cli",
                "--json")).json();
            return events[0].size() == 3;
          } catch (Exception e) {
            return false;
          }
        });
    assertEquals("CREATE_STORE", events[0].get(0).get("operation").asText());
    assertEquals("UPDATE_STORE", events[0].get(1).get("operation").asText());
    assertEquals("DELETE_STORE", events[0].get(2).get("operation").asText());
    assertEquals("anonymous", events[0].get(1).get("principal").asText());
    assertTrue(events[0].get(1).get("after").asText().contains("\"replicationFactor\":1"));
    Run text = venice(withCluster("dump-audit-log", "--store", "audited-cli", "--limit", "1"));
    assertTrue(text.out().contains("DELETE_STORE  audited-cli  by anonymous"), text.out());
    assertEquals(1, venice(withCluster("dump-audit-log", "--since", "yesterday")).status());
  }

  @Test
  void failuresExitNonZeroWithOneLine() {
    Run unknown = venice(withCluster("store", "describe", "--store", "nope"));
    assertEquals(1, unknown.status());
    assertEquals("describe: store nope does not exist (404 STORE_NOT_FOUND)", unknown.err());

    Run badFlag = venice(withCluster("store", "list", "--colour"));
    assertEquals(2, badFlag.status());
    assertTrue(badFlag.err().startsWith("Unknown option: '--colour'"), badFlag.err());

    Run unreachable = venice("store", "list", "--controller", "http://127.0.0.1:1");
    assertEquals(1, unreachable.status());
    assertTrue(unreachable.err().startsWith("list: controller at http://127.0.0.1:1/stores is"
        + " unreachable"), unreachable.err());
    assertTrue(!unreachable.err().contains("\tat "), "no stack trace without --verbose");
    assertTrue(venice("store", "list", "--controller", "http://127.0.0.1:1", "--verbose").err()
        .contains("\tat "), "--verbose prints the stack trace");

    Run badKey = venice(withCluster("get", "--store", "nope", "--key", "1"));
    assertEquals(1, badKey.status());
    assertTrue(badKey.err().startsWith("get: store nope does not exist"), badKey.err());

    Run noCluster = venice("store", "list");
    assertEquals(1, noCluster.status());
    assertTrue(noCluster.err().contains("no --controller given and no local cluster running"),
        noCluster.err());
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    for (String[] command : new String[][] {{"quickstart"}, {"cluster", "start"},
        {"cluster", "status"}, {"store", "create"}, {"store", "update"}, {"schema", "add"},
        {"push"}, {"get"}, {"batch-get"}, {"plugins", "list"}, {"dump-audit-log"}}) {
      List<String> args = new ArrayList<>(List.of(command));
      args.add("--help");
      Run help = venice(args.toArray(String[]::new));
      assertEquals(0, help.status(), String.join(" ", command));
      assertTrue(help.out().contains("Example"), String.join(" ", command) + ": " + help.out());
      assertTrue(help.out().contains("--json"), String.join(" ", command));
    }
  }

  @Test
  void quickstartRunsEndToEndAndExits() {
    Run demo = venice("quickstart", "--exit-after-demo", "--records", "300", "--servers", "2");
    assertEquals(0, demo.status(), demo.err());
    assertTrue(demo.out().contains("Read back 300 records one by one through a fast client"
        + " decorated with [latency-recorder, hedging]: all match"), demo.out());
    assertTrue(demo.out().lines().anyMatch(line -> line.trim().startsWith("controller")
        && line.contains("audit-log 1.0.0 STARTED")), demo.out());
    assertTrue(demo.out().contains("version 1 online: 300 records"), demo.out());
  }
}
