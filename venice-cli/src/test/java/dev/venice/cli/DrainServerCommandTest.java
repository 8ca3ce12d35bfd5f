package dev.venice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.venice.cli.cluster.LocalClusterState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice server drain}'s arguments, lookup and answers against stand-ins for servers' admin
 * ports (the graceful-drain plugin's endpoints, answered as the plugin does): an admin URL used as
 * given, an instance id looked up among the members the controller lists (or, from a controller
 * that lists none, among a local cluster's servers), {@code --timeout} sent in
 * milliseconds or refused as a usage error, {@code --wait} until the port closes, and failures
 * that name the instance, the servers and the flag.
 */
class DrainServerCommandTest {
  private static final String LOCAL = "drain-test";
  @TempDir static Path home;
  private static String previousHome;

  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void useHome() {
    previousHome = System.getProperty("venice.home");
    System.setProperty("venice.home", home.toString());
  }

  @AfterAll
  static void restoreHome() {
    if (previousHome == null) {
      System.clearProperty("venice.home");
    } else {
      System.setProperty("venice.home", previousHome);
    }
  }

  @AfterEach
  void stopServers() throws IOException {
    servers.forEach(s -> s.stop(0));
    Files.deleteIfExists(LocalClusterState.file(LOCAL));
  }

  /** What one command did. */
  record Run(int status, String out, String err) {
    JsonNode json() throws Exception {
      return Output.JSON.readTree(out);
    }
  }

  private static Run venice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString().trim(), err.toString().trim());
  }

  /**
   * A stand-in admin port of server {@code instance}: the plugin's status and drain endpoints, or
   * 404s when {@code withPlugin} is false; with {@code stopOnDrain} it closes once it answered a
   * drain, as the process does when it stops.
   */
  private String standIn(String instance, boolean withPlugin, boolean stopOnDrain)
      throws IOException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String request = exchange.getRequestMethod() + " " + exchange.getRequestURI();
      requests.add(request);
      if (!withPlugin) {
        answer(exchange, 404, "{\"error\":\"plugin graceful-drain is not started\"}");
      } else if (request.startsWith("POST /plugins/graceful-drain/drain")) {
        answer(exchange, 202, status(instance, "DRAINING"));
        if (stopOnDrain) {
          new Thread(() -> server.stop(0)).start();
        }
      } else if (request.equals("GET /plugins/graceful-drain/")) {
        answer(exchange, 200, status(instance, "DRAINING"));
      } else {
        answer(exchange, 404, "{\"error\":\"no such path\"}");
      }
    });
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static String status(String instance, String state) {
    return "{\"instanceId\":\"" + instance + "\",\"state\":\"" + state + "\",\"servingState\":"
        + "\"DRAINING\",\"inFlight\":2,\"timeoutSeconds\":30.0,\"quietPeriodSeconds\":1.0,"
        + "\"drainStartedAt\":\"2026-12-01T00:00:00Z\",\"lastRequestAt\":null,\"drainSeconds\":"
        + "0.5,\"lastRequestAfterStartSeconds\":0.25,\"refusedAfterDeadline\":0}";
  }

  private static void answer(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  /** A stand-in controller answering {@code GET /cluster} with {@code clusterJson}. */
  private String controller(String clusterJson) throws IOException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      if (exchange.getRequestURI().getPath().equals("/cluster")) {
        answer(exchange, 200, clusterJson);
      } else {
        answer(exchange, 404, "{\"error\":\"no such path\",\"errorType\":\"NOT_FOUND\"}");
      }
    });
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A controller whose {@code /cluster} lists no members (only storage instance ids). */
  private String controllerWithoutMembers(String... instances) throws IOException {
    return controller("{\"cluster\":\"drain-cluster\",\"storageInstances\":["
        + String.join(",", List.of(instances).stream().map(i -> "\"" + i + "\"").toList())
        + "]}");
  }

  /** A local cluster named {@value #LOCAL}, run by this JVM, with these servers' admin URLs. */
  private static void localCluster(String controller, String... serverUrls) {
    new LocalClusterState(ProcessHandle.current().pid(), null, LOCAL, "drain-cluster", "zk",
        "kafka", List.of(controller), List.of(), List.of(serverUrls)).claim();
  }

  @Test
  void anAdminUrlIsDrainedAsGivenWithTheTimeoutInMilliseconds() throws Exception {
    String url = standIn("127.0.0.1_7002", true, false);
    Run run = venice("server", "drain", "--server", url + "/", "--timeout", "1m", "--json");
    assertEquals(0, run.status(), run.err());
    assertEquals(List.of("POST /plugins/graceful-drain/drain?timeout=60000ms"), requests);
    assertEquals("127.0.0.1_7002", run.json().get("server").asText());
    assertEquals(url, run.json().get("adminUrl").asText());
    assertEquals("DRAINING", run.json().get("drain").get("state").asText());

    requests.clear();
    Run text = venice("server", "drain", "--server", url);
    assertEquals(0, text.status(), text.err());
    assertEquals(List.of("POST /plugins/graceful-drain/drain"), requests, "no --timeout: none");
    assertEquals("server 127.0.0.1_7002: draining (2 read(s) in flight, timeout 30.0 s)",
        text.out());
  }

  @Test
  void anInstanceIdIsLookedUpAmongTheMembersTheControllerLists() throws Exception {
    String wanted = standIn("127.0.0.1_7002", true, false);
    String controller = controller("{\"cluster\":\"drain-cluster\",\"members\":["
        + "{\"instanceId\":\"127.0.0.1_5555\",\"kind\":\"CONTROLLER\",\"adminUrl\":"
        + "\"http://127.0.0.1:1\"},{\"instanceId\":\"127.0.0.1_7002\",\"kind\":\"SERVER\","
        + "\"adminUrl\":\"" + wanted + "\",\"grpcAddress\":\"127.0.0.1:7002\"}]}");
    Run run = venice("server", "drain", "--server", "127.0.0.1_7002", "--controller", controller,
        "--json");
    assertEquals(0, run.status(), run.err());
    assertEquals(wanted, run.json().get("adminUrl").asText());
    assertEquals(List.of("POST /plugins/graceful-drain/drain"), requests);

    Run unknown = venice("server", "drain", "--server", "127.0.0.1_5555", "--controller",
        controller);
    assertEquals(1, unknown.status());
    assertEquals("venice server drain: no server 127.0.0.1_5555 in cluster drain-cluster;"
        + " servers: 127.0.0.1_7002", unknown.err());
  }

  @Test
  void fromAControllerWithoutMembersTheIdIsCheckedAndTheAdminUrlAskedFor() throws Exception {
    String controller = controllerWithoutMembers("127.0.0.1_7002", "127.0.0.1_7004");
    Run known = venice("server", "drain", "--server", "127.0.0.1_7002", "--controller",
        controller);
    assertEquals(1, known.status());
    assertEquals("venice server drain: server 127.0.0.1_7002 of cluster drain-cluster: the"
        + " controller does not list admin URLs; give it as --server"
        + " http://<host>:<admin port>", known.err());
    Run unknown = venice("server", "drain", "--server", "127.0.0.1_9", "--controller",
        controller);
    assertEquals("venice server drain: no server 127.0.0.1_9 in cluster drain-cluster; servers:"
        + " 127.0.0.1_7002, 127.0.0.1_7004", unknown.err());
  }

  @Test
  void anInstanceIdIsLookedUpAmongTheLocalClustersServers() throws Exception {
    String other = standIn("127.0.0.1_7004", true, false);
    String wanted = standIn("127.0.0.1_7002", true, false);
    localCluster(controllerWithoutMembers("127.0.0.1_7002", "127.0.0.1_7004"), other, wanted);
    Run run = venice("server", "drain", "--server", "127.0.0.1_7002", "--local-cluster", LOCAL,
        "--json");
    assertEquals(0, run.status(), run.err());
    assertEquals(wanted, run.json().get("adminUrl").asText());
    assertEquals(1, requests.stream().filter(r -> r.startsWith("POST")).count(), "" + requests);
  }

  @Test
  void waitPollsUntilTheAdminPortClosesAndReportsTheDrain() throws Exception {
    String url = standIn("127.0.0.1_7002", true, true);
    Run run = venice("server", "drain", "--server", url, "--wait", "--json");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.json().get("stoppedAfterSeconds").asDouble() >= 0, run.out());
    assertEquals("DRAINING", run.json().get("lastStatus").get("state").asText());
    Run text = venice("server", "drain", "--server", standIn("127.0.0.1_7003", true, true),
        "--wait");
    assertEquals(0, text.status(), text.err());
    assertTrue(text.out().startsWith("server 127.0.0.1_7003: stopped ")
        && text.out().contains("after the drain request; last seen DRAINING, draining for 0.5 s,"
            + " last read started 0.3 s after the drain began, 2 in flight, 0 refused"),
        text.out());
  }

  @Test
  void failuresNameTheInstanceTheServersAndTheFlag() throws Exception {
    String a = standIn("127.0.0.1_7002", true, false);
    String noPlugin = standIn("127.0.0.1_7004", false, false);
    localCluster(controllerWithoutMembers("127.0.0.1_7002", "127.0.0.1_7004"), a, noPlugin);

    Run unknown = venice("server", "drain", "--server", "127.0.0.1_9999", "--local-cluster",
        LOCAL);
    assertEquals(1, unknown.status());
    assertEquals("venice server drain: no server 127.0.0.1_9999 in cluster drain-cluster;"
        + " servers: 127.0.0.1_7002; not answering for graceful-drain: " + noPlugin,
        unknown.err());

    Run without = venice("server", "drain", "--server", noPlugin);
    assertEquals(1, without.status());
    assertTrue(without.err().startsWith("venice server drain: server at " + noPlugin
        + " has no graceful-drain plugin (404)"), without.err());

    Run badTimeout = venice("server", "drain", "--server", a, "--timeout", "soon");
    assertEquals(2, badTimeout.status());
    assertTrue(badTimeout.err().startsWith("venice server drain: Invalid value for option"
        + " '--timeout': 'soon' is not a drain timeout"), badTimeout.err());
    for (String bad : List.of("0", "-1s", "2h", "30 x")) {
      assertEquals(2, venice("server", "drain", "--server", a, "--timeout", bad).status(), bad);
    }

    Run missing = venice("server", "drain");
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("--server"), missing.err());

    Run noCluster = venice("server", "drain", "--server", "127.0.0.1_7002", "--local-cluster",
        "nothing-here");
    assertEquals(1, noCluster.status());
    assertEquals("venice server drain: --server 127.0.0.1_7002 is an instance id, looked up"
        + " through the cluster's controller, and no --controller is given nor local cluster"
        + " nothing-here running: give --controller, or the server's admin URL (--server"
        + " http://host:port)", noCluster.err());
    Run noController = venice("server", "drain", "--server", "127.0.0.1_7002", "--controller",
        "http://127.0.0.1:1");
    assertEquals(1, noController.status());
    assertTrue(noController.err().startsWith("venice server drain: controller at"
        + " http://127.0.0.1:1 is unreachable"), noController.err());

    Run unreachable = venice("server", "drain", "--server", "http://127.0.0.1:1");
    assertEquals(1, unreachable.status());
    assertTrue(unreachable.err().startsWith("venice server drain: server at http://127.0.0.1:1"
        + " is unreachable"), unreachable.err());
    assertEquals(List.of("POST /plugins/graceful-drain/drain"),
        requests.stream().filter(r -> r.startsWith("POST")).toList(),
        "only the server without the plugin was asked to drain");
  }

  @Test
  void helpHasExamples() {
    Run help = venice("server", "drain", "--help");
    assertEquals(0, help.status());
    assertTrue(help.out().contains("Examples:") && help.out().contains("--wait")
        && help.out().contains("--json"), help.out());
  }
}
