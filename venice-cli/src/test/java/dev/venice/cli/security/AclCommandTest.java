package dev.venice.cli.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.venice.cli.Venice;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code venice acl grant|revoke|list} against stand-in controllers (a standby naming the leader
 * in {@code GET /cluster}, the leader answering the acl-authorizer endpoint): the requests sent to
 * the leader (method, path and query, body), the text and {@code --json} output, and the refusals
 * naming their flag with exit 1 (bad values, the plugin not running, the controller's 400) or 2
 * (usage errors).
 */
class AclCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "/plugins/acl-authorizer/";

  /** A stand-in's answer: status and JSON body. */
  private record Answer(int status, String body) {}

  /** A run of {@code venice}: exit status and output. */
  private record Run(int status, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  private final List<HttpServer> servers = new ArrayList<>();
  /** What the leader was asked: {@code METHOD path?query body}. */
  private final List<String> asked = new CopyOnWriteArrayList<>();
  /** The leader's answers by {@code METHOD path?query}. */
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private String standby;

  @BeforeEach
  void startStandInControllers() throws IOException {
    HttpServer leader = server((method, path, body) -> {
      asked.add(method + " " + path + (body.isEmpty() ? "" : " " + body));
      return answers.getOrDefault(method + " " + path,
          new Answer(404, "{\"error\":\"no route " + path + "\"}"));
    });
    String leaderUrl = url(leader);
    standby = url(server((method, path, body) -> path.equals("/cluster")
        ? new Answer(200, "{\"leader\":\"" + leaderUrl + "\"}")
        : new Answer(500, "{\"error\":\"asked the standby " + path + "\"}")));
  }

  @AfterEach
  void stopStandIns() {
    servers.forEach(s -> s.stop(0));
  }

  @FunctionalInterface
  private interface Handler {
    Answer answer(String method, String pathAndQuery, String body);
  }

  private HttpServer server(Handler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Answer answer = handler.answer(exchange.getRequestMethod(),
          exchange.getRequestURI().toString(), body);
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return server;
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private Run venice(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--controller");
    all.add(standby);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(all.toArray(String[]::new), new PrintWriter(out, true),
        new PrintWriter(err, true));
    return new Run(status, out.toString().trim(), err.toString().trim());
  }

  @Test
  void grantPostsTheEntryToTheLeaderAndSaysWhatChanged() throws Exception {
    answers.put("POST " + ROOT + "acls/grant", new Answer(200, "{\"entry\":{\"subject\":"
        + "\"user:alice\",\"resource\":\"store:users\",\"access\":\"WRITE\"},\"previous\":"
        + "\"READ\",\"changed\":true,\"entries\":3}"));
    Run run = venice("acl", "grant", "--user", "alice", "--store", "users", "--access", "Write");
    assertEquals(0, run.status(), run.err());
    assertEquals(List.of("POST " + ROOT + "acls/grant {\"subject\":\"user:alice\",\"resource\":"
        + "\"store:users\",\"access\":\"WRITE\"}"), asked);
    assertEquals("granted WRITE on store users to user:alice (was READ); 3 entries in all",
        run.out());

    asked.clear();
    answers.put("POST " + ROOT + "acls/grant", new Answer(200, "{\"entry\":{\"subject\":"
        + "\"group:ops\",\"resource\":\"cluster\",\"access\":\"ADMIN\"},\"previous\":\"ADMIN\","
        + "\"changed\":false,\"entries\":3}"));
    Run json = venice("acl", "grant", "--group", "ops", "--cluster", "--access", "admin",
        "--json");
    assertEquals(0, json.status(), json.err());
    assertTrue(asked.get(0).endsWith("{\"subject\":\"group:ops\",\"resource\":\"cluster\","
        + "\"access\":\"ADMIN\"}"), asked.toString());
    assertEquals("cluster", json.json().path("entry").path("resource").asText());
    assertEquals(false, json.json().path("changed").asBoolean());
    Run same = venice("acl", "grant", "--group", "ops", "--cluster", "--access", "admin");
    assertEquals("group:ops already has ADMIN on the cluster; nothing changed; 3 entries in all",
        same.out());
  }

  @Test
  void revokeSaysWhetherThereWasAGrant() {
    answers.put("POST " + ROOT + "acls/revoke", new Answer(200, "{\"entry\":{\"subject\":"
        + "\"user:alice\",\"resource\":\"store:users\",\"access\":\"READ\"},\"revoked\":true,"
        + "\"entries\":2}"));
    Run run = venice("acl", "revoke", "--user", "alice", "--store", "users");
    assertEquals(0, run.status(), run.err());
    assertEquals(List.of("POST " + ROOT + "acls/revoke {\"subject\":\"user:alice\","
        + "\"resource\":\"store:users\"}"), asked);
    assertEquals("revoked READ on store users from user:alice; 2 entries in all", run.out());

    answers.put("POST " + ROOT + "acls/revoke", new Answer(200,
        "{\"entry\":null,\"revoked\":false,\"entries\":2}"));
    Run none = venice("acl", "revoke", "--group", "ops", "--cluster");
    assertEquals(0, none.status(), none.err());
    assertEquals("group:ops had no grant on the cluster; nothing changed; 2 entries in all",
        none.out());
  }

  @Test
  void listAsksWithItsFiltersAndPrintsATable() throws Exception {
    String entries = "{\"entries\":[{\"subject\":\"group:ops\",\"resource\":\"cluster\","
        + "\"access\":\"ADMIN\"},{\"subject\":\"user:alice\",\"resource\":\"store:users\","
        + "\"access\":\"READ\"}]}";
    answers.put("GET " + ROOT + "acls", new Answer(200, entries));
    answers.put("GET " + ROOT + "acls?store=users&subject=user%3Aalice", new Answer(200,
        "{\"entries\":[]}"));
    Run all = venice("acl", "list");
    assertEquals(0, all.status(), all.err());
    List<String> lines = all.out().lines().toList();
    assertTrue(lines.get(0).startsWith("SUBJECT") && lines.get(0).endsWith("ACCESS"),
        all.out());
    assertTrue(lines.get(2).startsWith("user:alice") && lines.get(2).contains("store:users")
        && lines.get(2).endsWith("READ"), all.out());
    assertEquals("2 grants", lines.get(3));

    Run filtered = venice("acl", "list", "--store", "users", "--user", "alice");
    assertEquals(0, filtered.status(), filtered.err());
    assertEquals("(no grant matches)", filtered.out());
    assertEquals("GET " + ROOT + "acls?store=users&subject=user%3Aalice", asked.get(1));

    Run json = venice("acl", "list", "--json");
    assertEquals("group:ops", json.json().path("entries").get(0).path("subject").asText());
  }

  @Test
  void badValuesAreRefusedNamingTheFlagBeforeAnythingIsSent() {
    Run access = venice("acl", "grant", "--user", "alice", "--store", "users", "--access",
        "owner");
    assertEquals(1, access.status());
    assertEquals("venice acl grant: --access 'owner' is not allowed: expected read, write or"
        + " admin", access.err());
    Run store = venice("acl", "revoke", "--user", "alice", "--store", "a/b");
    assertEquals(1, store.status());
    assertTrue(store.err().contains("--store 'a/b' is not a store name"), store.err());
    Run user = venice("acl", "list", "--user", " alice");
    assertEquals(1, user.status());
    assertTrue(user.err().contains("--user ' alice' is not a name"), user.err());
    assertEquals(List.of(), asked);
  }

  @Test
  void usageErrorsExitTwoNamingTheFlags() {
    Run noSubject = venice("acl", "grant", "--store", "users", "--access", "read");
    assertEquals(2, noSubject.status());
    assertTrue(noSubject.err().contains("--user") && noSubject.err().contains("--group"),
        noSubject.err());
    Run both = venice("acl", "revoke", "--user", "a", "--group", "b", "--cluster");
    assertEquals(2, both.status());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    Run noTarget = venice("acl", "revoke", "--user", "a");
    assertEquals(2, noTarget.status());
    assertTrue(noTarget.err().contains("--store") && noTarget.err().contains("--cluster"),
        noTarget.err());
    assertEquals(List.of(), asked);
  }

  @Test
  void aControllerWithoutThePluginOrRefusingTheValueExitsOne() {
    Run grant = venice("acl", "grant", "--user", "alice", "--store", "users", "--access", "read");
    assertEquals(1, grant.status());
    assertTrue(grant.err().contains("the acl-authorizer plugin is not running")
        && grant.err().contains("plugins.acl-authorizer.enabled=true"), grant.err());
    Run list = venice("acl", "list");
    assertEquals(1, list.status());
    assertTrue(list.err().contains("the acl-authorizer plugin is not running"), list.err());

    answers.put("POST " + ROOT + "acls/grant", new Answer(400, "{\"error\":\"subject"
        + " 'user:x' has an invalid name\",\"errorType\":\"BAD_REQUEST\",\"field\":\"subject\"}"));
    Run refused = venice("acl", "grant", "--user", "x", "--cluster", "--access", "read");
    assertEquals(1, refused.status());
    assertTrue(refused.err().contains("the controller refused it: subject 'user:x' has an"
        + " invalid name"), refused.err());
  }
}
