package dev.venice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.cluster.LocalClusterState;
import dev.venice.runtime.localcluster.LocalCluster;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

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
    // a plugins/ folder as a distribution has, from the directories the plugin modules build
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("audit-log"),
        Path.of(System.getProperty("controller.plugin.dir"), "audit-log"));
    Files.createSymbolicLink(plugins.resolve("bloom-filter"),
        Path.of(System.getProperty("server.plugin.dir"), "bloom-filter"));
    System.setProperty("venice.plugins", plugins.toString());
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugin.dir", plugins.toString())
        .controllerConfig("plugins.audit-log.enabled", "true").build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    System.clearProperty("venice.home");
    System.clearProperty("venice.plugins");
  }

  private static Run venice(List<String> args) {
    return venice(args.toArray(String[]::new));
  }

  private static Run venice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString().trim(), err.toString().trim());
  }

  /**
   * {@code get --trace}: the printed trace id is the one of the span an OTLP/HTTP receiver got
   * (its body holds the id's 16 bytes; the JDK's HTTP server answers as a receiver does), and an
   * export that fails is said so, the read still printed.
   */
  private static void getTracePrintsTheTraceIdTheReceiverGot() throws Exception {
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/v1/traces", exchange -> {
      bodies.add(exchange.getRequestBody().readAllBytes());
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    try {
      Run traced = venice(withCluster("get", "--store", "cli-users", "--key", "\"ann\"",
          "--trace", "--otlp-protocol", "http/protobuf", "--otlp-endpoint", "http://127.0.0.1:"
              + receiver.getAddress().getPort() + "/v1/traces", "--json"));
      assertEquals(0, traced.status(), traced.err());
      assertEquals(31, traced.json().get("value").get("age").asInt());
      String traceId = traced.json().get("traceId").asText();
      assertTrue(traceId.matches("[0-9a-f]{32}"), traced.out());
      assertTrue(traced.json().get("traceExported").asBoolean(), traced.out());
      byte[] id = HexFormat.of().parseHex(traceId);
      assertTrue(bodies.stream().anyMatch(body -> indexOf(body, id) >= 0),
          "the receiver got a span of trace " + traceId);
    } finally {
      receiver.stop(0);
    }
    Run unexported = venice(withCluster("get", "--store", "cli-users", "--key", "\"ann\"",
        "--trace", "--otlp-endpoint", "http://127.0.0.1:1"));
    assertEquals(0, unexported.status(), unexported.err());
    assertTrue(Pattern.compile("trace [0-9a-f]{32} \\(export to http://127.0.0.1:1 failed")
        .matcher(unexported.out()).find(), unexported.out());
    Run badEndpoint = venice(withCluster("get", "--store", "cli-users", "--key", "\"ann\"",
        "--trace", "--otlp-endpoint", "collector:4317"));
    assertEquals(1, badEndpoint.status());
    assertTrue(badEndpoint.err().contains("--otlp-endpoint collector:4317"), badEndpoint.err());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static List<String> withCluster(String... args) {
    return withCluster(List.of(args));
  }

  private static List<String> withCluster(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("--controller");
    all.add(cluster.controllerUrl());
    all.add("--router");
    all.add(cluster.routerUrl());
    return all;
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
    getTracePrintsTheTraceIdTheReceiverGot();

    Path empty = Files.writeString(dir.resolve("nothing.jsonl"), "\n");
    Run refused = venice(withCluster("push", "--store", "cli-users", "--file", empty.toString()));
    assertEquals(1, refused.status(), refused.err());
    assertTrue(refused.err().startsWith("venice push: push into store cli-users has no records;")
        && refused.err().contains("--allow-empty") && refused.err().lines().count() == 1,
        refused.err());
    Path truncated = Files.writeString(dir.resolve("truncated.jsonl"),
        "{\"key\": \"ann\", \"value\": {\"name\": \"Ann\", \"age\": 1, \"email\": \"\"}\n");
    Run malformed = venice(withCluster("push", "--store", "cli-users", "--file",
        truncated.toString()));
    assertEquals(1, malformed.status());
    assertTrue(malformed.err().startsWith("venice push: push into store cli-users: " + truncated
        + " line 1 is not one JSON object"), malformed.err());
    assertEquals(31, venice(withCluster("get", "--store", "cli-users", "--key", "\"ann\"",
        "--json")).json().get("value").get("age").asInt(), "the store still serves its data");

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

    Run emptied = venice(withCluster("push", "--store", "cli-users", "--file", empty.toString(),
        "--allow-empty", "--json"));
    assertEquals(0, emptied.status(), emptied.err());
    assertEquals(0, emptied.json().get("records").asInt());
    assertEquals(0, venice(withCluster("store", "delete", "--store", "cli-users")).status());
  }

  @Test
  void aBadPluginSettingIsRefusedNamingKeyValueAndAllowedForm() throws Exception {
    assertEquals(0, venice(withCluster("store", "create", "--store", "tuned", "--key-schema",
        "\"string\"", "--value-schema", "\"string\"")).status());
    Run bad = venice(withCluster("store", "update", "--store", "tuned", "--set",
        "pluginSettings={\"plugins.hedging.delay\":\"soon\"}"));
    assertEquals(1, bad.status());
    assertEquals("venice store update: store tuned: bad value 'soon' for plugins.hedging.delay:"
        + " expected a duration from 0s to 10s (e.g. 250ms, 2s, 5m) (400 BAD_PLUGIN_SETTING)",
        bad.err());
    Run unknown = venice(withCluster("store", "update", "--store", "tuned", "--set",
        "pluginSettings={\"plugins.hedgeing.delay\":\"5ms\"}"));
    assertEquals(1, unknown.status());
    assertTrue(unknown.err().contains("no plugin 'hedgeing' is installed"), unknown.err());
    assertEquals("{}", venice(withCluster("store", "describe", "--store", "tuned", "--json"))
        .json().get("pluginSettings").toString(), "the store is unchanged");

    Run good = venice(withCluster("store", "update", "--store", "tuned", "--set",
        "pluginSettings={\"plugins.hedging.delay\":\"5ms\",\"plugins.hedging.enabled\":"
            + "\"false\"}", "--json"));
    assertEquals(0, good.status(), good.err());
    assertEquals("5ms", good.json().get("pluginSettings").get("plugins.hedging.delay").asText());
    assertEquals(0, venice(withCluster("store", "delete", "--store", "tuned")).status());
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
    assertEquals("ALLOWED", events[0].get(1).get("decision").asText());
    assertEquals("store audited-cli", events[0].get(1).get("resource").asText());
    Run text = venice(withCluster("dump-audit-log", "--store", "audited-cli", "--limit", "1"));
    assertTrue(text.out().contains("ALLOWED  DELETE_STORE  audited-cli  by anonymous"),
        text.out());
    assertEquals(1, venice(withCluster("dump-audit-log", "--since", "yesterday")).status());
  }

  @Test
  void failuresExitNonZeroWithOneLine() {
    Run unknown = venice(withCluster("store", "describe", "--store", "nope"));
    assertEquals(1, unknown.status());
    assertEquals("venice store describe: store nope does not exist (404 STORE_NOT_FOUND)",
        unknown.err());

    Run badFlag = venice(withCluster("store", "list", "--colour"));
    assertEquals(2, badFlag.status());
    assertEquals("venice store list: Unknown option: '--colour' (see 'venice store list --help')",
        badFlag.err());

    Run unreachable = venice("store", "list", "--controller", "http://127.0.0.1:1");
    assertEquals(1, unreachable.status());
    assertTrue(unreachable.err().startsWith("venice store list: controller at"
        + " http://127.0.0.1:1 is unreachable"), unreachable.err());
    assertTrue(!unreachable.err().contains("\tat "), "no stack trace without --verbose");
    assertTrue(venice("store", "list", "--controller", "http://127.0.0.1:1", "--verbose").err()
        .contains("\tat "), "--verbose prints the stack trace");

    Run badKey = venice(withCluster("get", "--store", "nope", "--key", "1"));
    assertEquals(1, badKey.status());
    assertTrue(badKey.err().startsWith("venice get: store nope does not exist"), badKey.err());

    Run noCluster = venice("store", "list");
    assertEquals(1, noCluster.status());
    assertTrue(noCluster.err().contains("no --controller given and no local cluster running"),
        noCluster.err());
  }

  /** A fully qualified Java class name, which an operator should never have to read. */
  private static final Pattern JAVA_CLASS = Pattern.compile(
      "\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Z][A-Za-z0-9_$]*\\b");

  /**
   * Walks every command of the tree with bad arguments (an unknown flag, no arguments, a word for
   * each number, a file that does not exist, an empty and a malformed JSON key, a store that does
   * not exist, an unreachable controller) and checks every error's shape: one line, {@code venice
   * <command>: <reason>}, no Java class name, no empty or "null" reason, exit status 1 or 2.
   */
  @Test
  void everyCommandFailsWithOneClearLine() throws Exception {
    List<CommandLine> leaves = new ArrayList<>();
    collectLeaves(new CommandLine(new Venice()), leaves);
    assertTrue(leaves.size() >= 14, "commands found: " + leaves.size());
    Path emptyFile = Files.writeString(dir.resolve("empty.jsonl"), "");
    int checked = 0;
    for (CommandLine leaf : leaves) {
      CommandSpec spec = leaf.getCommandSpec();
      List<String> path = new ArrayList<>(List.of(spec.qualifiedName().split(" ")));
      path.remove(0);
      List<List<String>> attempts = new ArrayList<>();
      attempts.add(with(path, "--no-such-flag"));
      if (spec.options().stream().anyMatch(OptionSpec::required)) {
        attempts.add(with(path));
      }
      boolean startsACluster = spec.name().equals("quickstart") || spec.qualifiedName()
          .equals("venice cluster start");
      for (OptionSpec option : spec.options()) {
        Class<?> type = option.type();
        if (type == int.class || type == Integer.class || type == long.class
            || type == Long.class) {
          attempts.add(filled(path, spec, option.longestName(), "several"));
        }
      }
      if (!startsACluster) {
        for (String store : new String[] {"no-such-store", "bad/name", "", "x".repeat(200)}) {
          if (spec.findOption("--store") != null && spec.findOption("--store").required()
              && !(store.equals("no-such-store") && spec.name().equals("create"))) {
            attempts.add(withCluster(filled(path, spec, "--store", store)));
          }
        }
        attempts.add(with(filled(path, spec, null, null), List.of("--controller",
            "http://127.0.0.1:1", "--router", "http://127.0.0.1:1")));
        if (spec.findOption("--file") != null) {
          attempts.add(withCluster(filled(path, spec, "--file", "/no/such/file.jsonl")));
          attempts.add(withCluster(filled(path, spec, "--file", emptyFile.toString())));
        }
        for (String json : new String[] {"", "{\"unclosed\": ", "\"a\" trailing"}) {
          if (spec.findOption("--key") != null) {
            attempts.add(withCluster(filled(path, spec, "--key", json)));
          }
          if (spec.findOption("--keys") != null) {
            attempts.add(withCluster(filled(path, spec, "--keys", json)));
          }
        }
        if (spec.findOption("--value-schema") != null) {
          attempts.add(withCluster(filled(path, spec, "--value-schema", "[]")));
          attempts.add(withCluster(filled(path, spec, "--value-schema", "@/no/such.avsc")));
        }
      }
      for (List<String> attempt : attempts) {
        Run run = venice(attempt.toArray(String[]::new));
        String shown = String.join(" ", attempt) + " -> " + run.status() + " " + run.err();
        assertTrue(run.status() == 1 || run.status() == 2, shown);
        assertEquals(1, run.err().lines().count(), shown);
        assertTrue(run.err().startsWith(spec.qualifiedName() + ": "), shown);
        String reason = run.err().substring(spec.qualifiedName().length() + 2);
        assertTrue(!reason.isBlank() && !reason.endsWith(": ") && !reason.endsWith("null")
            && !reason.contains(": null"), shown);
        assertTrue(!JAVA_CLASS.matcher(reason).find(), shown);
        checked++;
      }
    }
    assertTrue(checked > 60, "errors checked: " + checked);
  }

  private static void collectLeaves(CommandLine command, List<CommandLine> leaves) {
    if (command.getCommandSpec().name().equals("help")) {
      return; // picocli's own help command
    }
    if (command.getSubcommands().isEmpty()) {
      leaves.add(command);
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!leaves.contains(sub) && sub != command) {
        collectLeaves(sub, leaves);
      }
    }
  }

  private static List<String> with(List<String> path, String... more) {
    return with(path, List.of(more));
  }

  private static List<String> with(List<String> path, List<String> more) {
    List<String> args = new ArrayList<>(path);
    args.addAll(more);
    return args;
  }

  /** The command with every required option given a plausible value, {@code name} as given. */
  private static List<String> filled(List<String> path, CommandSpec spec, String name,
      String value) {
    List<String> args = new ArrayList<>(path);
    for (OptionSpec option : spec.options()) {
      if (option.longestName().equals(name)) {
        continue;
      }
      if (option.required()) {
        args.add(option.longestName());
        args.add(switch (option.longestName()) {
          case "--key" -> "\"k\"";
          case "--keys" -> "[\"k\"]";
          case "--key-schema", "--value-schema", "--schema" -> "\"string\"";
          case "--set" -> "numVersionsToPreserve=2";
          case "--file" -> dir.resolve("absent.jsonl").toString();
          default -> "some-store";
        });
      }
    }
    if (name != null && spec.findOption(name) != null) {
      args.add(name);
      args.add(value);
    }
    return args;
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

  /**
   * While a local cluster runs (here: the test's cluster, recorded as run by another live
   * process), a second start refuses before starting anything, other commands find the running
   * one, and {@code --local-cluster} names a separate one; once its process is gone it counts no
   * more.
   */
  @Test
  void aSecondStartRefusesWhileOneRuns() throws Exception {
    Process owner = new ProcessBuilder("cat").start(); // lives until its stdin closes
    try {
      LocalClusterState running = LocalClusterState.of(owner.toHandle(), null, cluster).claim();
      Path file = LocalClusterState.file(null);
      String expected = "a local cluster is already running (pid " + owner.pid()
          + ", controller " + cluster.controllerUrl() + ", state file " + file + ")";
      for (String[] args : new String[][] {{"cluster", "start", "--servers", "1"},
          {"quickstart", "--exit-after-demo", "--servers", "1"}}) {
        Run second = venice(args);
        String command = "venice " + args[0] + (args[0].equals("cluster") ? " start" : "");
        assertEquals(1, second.status(), second.err());
        assertTrue(second.err().startsWith(command + ": " + expected)
            && second.err().lines().count() == 1, second.err());
        assertEquals("", second.out(), "refused before starting anything");
      }
      Run badName = venice("cluster", "start", "--local-cluster", "Dev_1");
      assertEquals(2, badName.status(), badName.err());
      assertTrue(badName.err().startsWith("venice cluster start: Invalid value for option"
          + " '--local-cluster': 'Dev_1' is not a local cluster name"), badName.err());

      assertEquals(0, venice("store", "list").status(), "other commands find the running one");
      Run otherName = venice("store", "list", "--local-cluster", "dev");
      assertEquals(1, otherName.status());
      assertEquals("venice store list: no --controller given and no local cluster dev running"
          + " (start one with 'venice cluster start --local-cluster dev' or 'venice quickstart"
          + " --local-cluster dev')", otherName.err());
      LocalClusterState.of(owner.toHandle(), "dev", cluster).claim();
      assertEquals(0, venice("store", "list", "--local-cluster", "dev").status());
      Files.delete(LocalClusterState.file("dev"));
      assertEquals(running, LocalClusterState.read(null).orElseThrow(), "untouched");

      Run stopped = venice("cluster", "stop");
      assertEquals(0, stopped.status(), stopped.err());
      assertEquals("stopped the local cluster (pid " + owner.pid() + ")", stopped.out());
      assertTrue(owner.waitFor(10, TimeUnit.SECONDS), "the owner got SIGTERM");
    } finally {
      owner.destroy();
      assertTrue(owner.waitFor(10, TimeUnit.SECONDS));
    }
    Run stale = venice("store", "list");
    assertEquals(1, stale.status(), "a stale state file counts no more");
    assertTrue(stale.err().contains("no local cluster running"), stale.err());
    Run nothing = venice("cluster", "stop");
    assertEquals(1, nothing.status());
    assertEquals("venice cluster stop: no local cluster is running; nothing to stop",
        nothing.err());
    Files.delete(LocalClusterState.file(null));
  }

  @Test
  void quickstartRunsEndToEndAndExits() {
    Run demo = venice("quickstart", "--exit-after-demo", "--records", "300", "--servers", "2");
    assertEquals(0, demo.status(), demo.err());
    assertTrue(demo.out().contains("Read back 300 records one by one through a fast client"
        + " decorated with [latency-recorder, hedging]: all match"), demo.out());
    assertTrue(demo.out().lines().anyMatch(line -> line.trim().startsWith("controller")
        && line.contains("audit-log 1.2.0 STARTED")), demo.out());
    assertTrue(demo.out().contains("version 1 online: 300 records"), demo.out());
  }
}
