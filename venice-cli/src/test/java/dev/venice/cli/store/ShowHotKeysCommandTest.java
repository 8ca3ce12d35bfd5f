package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.venice.cli.store.StandInController.Run;
import dev.venice.runtime.common.data.AvroSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code venice show-hot-keys} against stand-ins for a controller ({@code /cluster} and the store's
 * schemas) and for servers' hot-keys endpoints: replicas merged, keys decoded with the key schema,
 * shares of the merged total, a server that does not answer named, an unknown store refused.
 */
class ShowHotKeysCommandTest {
  private static final Schema KEY_SCHEMA = Schema.create(Schema.Type.STRING);
  @RegisterExtension final StandInController standIn = new StandInController();

  private static Run run(String... args) {
    return StandInController.run(new ShowHotKeysCommand(), args);
  }

  private HttpServer serve(Map<String, String> bodies) throws IOException {
    return standIn.serve(bodies);
  }

  private static String url(HttpServer server) {
    return StandInController.url(server);
  }

  private static String key(String s) {
    return Base64.getEncoder().encodeToString(AvroSerde.serialize(KEY_SCHEMA, s));
  }

  private static String summary(String instance, String entries, long total, long min) {
    return "{\"store\":\"users\",\"version\":2,\"instance\":\"" + instance + "\",\"partitions\":"
        + "[{\"partition\":0,\"capacity\":2,\"total\":" + total + ",\"minCount\":" + min
        + ",\"sinceMillis\":0,\"entries\":[" + entries + "]}]}";
  }

  private static String entry(String key, long count, long error) {
    return "{\"key\":\"" + key(key) + "\",\"count\":" + count + ",\"error\":" + error + "}";
  }

  private String controller(List<String[]> members) throws IOException {
    List<String> json = new ArrayList<>();
    for (String[] m : members) {
      json.add("{\"kind\":\"server\",\"instanceId\":\"" + m[0] + "\",\"adminUrl\":\"" + m[1]
          + "\"}");
    }
    json.add("{\"kind\":\"router\",\"instanceId\":\"r\",\"adminUrl\":\"http://127.0.0.1:1\"}");
    return url(serve(Map.of("/cluster", "{\"cluster\":\"c\",\"members\":[" + String.join(",",
        json) + "]}", "/stores/users/schemas", "{\"store\":\"users\",\"keySchema\":"
        + "\"\\\"string\\\"\",\"valueSchemas\":[]}")));
  }

  @Test
  void mergesEveryReplicaDecodesKeysAndNamesTheServerThatDidNotAnswer() throws Exception {
    String path = "/plugins/hot-keys/top?store=users";
    HttpServer s1 = serve(Map.of(path, summary("s1", entry("alice", 60, 0) + ","
        + entry("bob", 10, 3), 70, 10)));
    HttpServer s2 = serve(Map.of(path, summary("s2", entry("alice", 25, 0) + ","
        + entry("carol", 15, 0), 40, 0)));
    HttpServer gone = serve(Map.of());
    String deadUrl = url(gone);
    gone.stop(0); // a server that does not answer: its port is closed
    String controller = controller(List.of(new String[] {"s1", url(s1)},
        new String[] {"s2", url(s2)}, new String[] {"s3", deadUrl}));

    Run run = run("--store", "users", "--controller", controller, "--json", "--timeout", "2s");
    assertEquals(0, run.status(), run.err());
    JsonNode json = run.json();
    assertEquals(110, json.path("total").asLong());
    assertEquals(List.of("s1", "s2"), List.of(json.path("serversAnswered").get(0).asText(),
        json.path("serversAnswered").get(1).asText()));
    assertEquals("s3", json.path("serversNotAnswering").get(0).path("instance").asText());
    JsonNode first = json.path("keys").get(0);
    assertEquals("alice", first.path("key").asText());
    assertEquals(85, first.path("count").asLong());
    assertEquals(85.0 / 110, first.path("share").asDouble(), 1e-9);
    JsonNode second = json.path("keys").get(1);
    assertEquals("carol", second.path("key").asText());
    assertEquals(25, second.path("count").asLong(), "15 on s2, and up to s1's minimum 10");
    assertEquals(10, second.path("error").asLong());

    Run text = run("--store", "users", "--controller", controller, "--top", "1");
    assertEquals(0, text.status(), text.err());
    assertTrue(text.out().contains("\"alice\"") && text.out().contains("77.27%")
        && !text.out().contains("carol") && text.out().contains("not answering: s3"),
        text.out());
  }

  @Test
  void aStoreThatDoesNotExistExitsNonZeroNamingIt() throws Exception {
    String controller = url(serve(Map.of("/cluster", "{\"members\":[]}")));
    Run run = run("--store", "nope", "--controller", controller);
    assertNotEquals(0, run.status());
    assertTrue(run.err().contains("store nope does not exist"), run.err());
  }

  @Test
  void helpShowsAnExample() {
    Run run = run("--help");
    assertEquals(0, run.status());
    assertTrue(run.out().contains("venice show-hot-keys --store users"), run.out());
  }
}
