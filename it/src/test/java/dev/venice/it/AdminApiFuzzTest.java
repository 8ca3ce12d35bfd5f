package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Generated malformed requests against a local cluster's admin ports, many at a time: every one
 * must be refused with a 4xx in our error shape (never a 5xx, never a hang) and none may change
 * anything: stores, schemas, versions, push reports, topics, Helix resources and the data of a
 * pushed store are compared before and after.
 *
 * <p>Every request carries exactly one defect of one kind (wrong type, missing or unknown field,
 * huge, empty or malformed body, bad name, bad percent-encoding, wrong method, wrong content type,
 * bad query parameter, or a well-formed request the store's state refuses) on every mutating
 * controller route, plus the server's and router's admin routes. Seeded: {@code -Dfuzz.seed=N}
 * replays a run ({@code -Dfuzz.requests=N} sets how many); a failure names the seed and request.
 *
 * <p>A subclass runs the same requests against another cluster, as another caller ({@link
 * SecureClusterTest}: a secured cluster, a principal without admin rights forging {@code
 * X-Venice-Principal}, with valid requests among them too).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261130L);
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STORE = "fuzzed";
  private static final String PENDING = "fuzzed-pending";
  private static final int RECORDS = 40;

  Path dir;
  LocalCluster cluster;
  ControllerClient admin;
  private String serverInstance;

  /** The cluster the requests go to (built once for the class). */
  LocalCluster.Builder clusterBuilder() {
    return LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms");
  }

  /** How the generated requests are sent (a connection each). */
  RawHttp fuzzer(String baseUrl) {
    return new RawHttp(baseUrl, Duration.ofSeconds(30));
  }

  /** How many requests to send. */
  int requestCount() {
    return Integer.getInteger("fuzz.requests", 1500);
  }

  /**
   * Whether valid requests go too (only where the caller may not change anything: every request
   * must still be refused).
   */
  boolean sendsValidRequests() {
    return false;
  }

  /** A thin client of the fuzzed store, for the data in the snapshot. */
  StoreClient<Object, Object> reader() {
    return VeniceClients.builder(cluster.routerUrl(), STORE).thin();
  }

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("admin-fuzz-");
    cluster = clusterBuilder().build();
    admin = cluster.adminClient();
    serverInstance = cluster.servers().get(0).instanceId();
    admin.createStore(STORE, Schemas.KEY, Schemas.USER_V1, 2, 1);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n" + i + "\", \"age\": " + i
          + "}}");
    }
    PushJob.create(admin, STORE, Files.write(dir.resolve("data.jsonl"), lines)).run();
    cluster.awaitRoutable(STORE, WAIT);
    admin.createStore(PENDING, Schemas.KEY, Schemas.USER_V1, 1, 1);
    admin.startPush(PENDING, 10, false, false); // left in progress: kill and report targets
    LocalCluster.waitFor("the server's own report of " + PENDING + " v1", WAIT,
        () -> admin.pushStatus(PENDING, 1).partitions().get(0).replicas()
            .containsKey(serverInstance));
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** One generated request and the defect it carries. */
  record Request(String base, String method, String target, String contentType, byte[] body,
      String defect) {
    @Override
    public String toString() {
      String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
      return defect + ": " + method + " " + target + " [" + contentType + "] "
          + (text.length() > 160 ? text.substring(0, 160) + "... (" + body.length + " bytes)"
              : text);
    }
  }

  /** A mutating controller route: its method, path, a valid body, and the methods it refuses. */
  private record Route(String name, String method, Function<Random, String> path,
      Function<Random, Map<String, Object>> validBody, List<String> required,
      List<String> otherMethods) {}

  @Test
  void malformedRequestsAreRefusedAndChangeNothing() throws Exception {
    Map<String, Object> before = snapshot();
    List<Request> requests = generate(new Random(SEED));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (Request request : requests) {
        sent.add(pool.submit(() -> {
          try {
            RawHttp.Answer answer = fuzzer(request.base()).send(request.method(), request.target(), request.contentType(), request.body());
            statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
            if (answer.status() < 400 || answer.status() >= 500 || !answer.isJsonError()
                || (request.defect().endsWith("valid request") && answer.status() != 403)) {
              failures.add(request + " -> " + answer);
            }
          } catch (Exception e) {
            failures.add(request + " -> " + e);
          }
        }));
      }
      for (Future<?> future : sent) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(failures.isEmpty(), "seed " + SEED + ": " + failures.size() + " of "
        + requests.size() + " requests not refused with a 4xx JSON error, e.g. "
        + failures.stream().limit(5).toList());
    assertTrue(requests.size() >= requestCount(), "requests: " + requests.size());
    assertEquals(before, snapshot(), "seed " + SEED + ": the cluster's state changed");
    System.out.println("admin fuzz (seed " + SEED + "): " + requests.size()
        + " requests, statuses " + new TreeMap<>(statuses));
  }

  /** What must not change: stores, schemas, versions, reports, topics, resources, data. */
  private Map<String, Object> snapshot() throws Exception {
    Map<String, Object> state = new LinkedHashMap<>();
    List<String> stores = admin.listStores();
    state.put("stores", stores);
    for (String store : stores) {
      state.put(store, JSON.writeValueAsString(admin.getStore(store)));
      state.put(store + "/schemas", JSON.writeValueAsString(admin.schemas(store)));
    }
    state.put("report", JSON.writeValueAsString(admin.pushStatus(PENDING, 1)));
    state.put("topics", new java.util.TreeSet<>(cluster.leader(WAIT).kafkaTopics()));
    state.put("resources", new java.util.TreeSet<>(cluster.leader(WAIT).helixResources()));
    Map<String, String> data = new TreeMap<>();
    try (StoreClient<Object, Object> client = reader()) {
      for (int i = 0; i < RECORDS; i++) {
        data.put("k" + i, String.valueOf(client.get("k" + i).join()));
      }
    }
    state.put("data", data);
    return state;
  }

  private List<Request> generate(Random random) throws Exception {
    String controller = cluster.controllerUrl();
    List<Route> routes = List.of(
        new Route("create", "POST", r -> "/stores", r -> body("name", "fz" + r.nextInt(1000),
            "keySchema", Schemas.KEY, "valueSchema", Schemas.USER_V1, "partitionCount", 1),
            List.of("name", "keySchema", "valueSchema"), List.of("PUT", "PATCH", "DELETE")),
        new Route("update", "PATCH", r -> "/stores/" + STORE, r -> body("numVersionsToPreserve",
            3), List.of(), List.of("POST", "PUT")),
        new Route("delete", "DELETE", r -> "/stores/" + pick(r, STORE, PENDING), r -> null,
            List.of(), List.of("POST", "PUT")),
        new Route("schema", "POST", r -> "/stores/" + STORE + "/schemas", r -> body("schema",
            Schemas.USER_V2), List.of("schema"), List.of("PUT", "PATCH", "DELETE")),
        new Route("push", "POST", r -> "/stores/" + STORE + "/versions", r -> body("recordCount",
            RECORDS, "allowEmpty", false, "force", false), List.of(),
            List.of("PUT", "PATCH", "DELETE")),
        new Route("swap", "PUT", r -> "/stores/" + STORE + "/current-version",
            r -> body("version", 1), List.of("version"), List.of("GET", "POST", "DELETE")),
        new Route("kill", "POST", r -> "/stores/" + PENDING + "/versions/1/kill", r -> body(),
            List.of(), List.of("GET", "PUT", "DELETE")),
        new Route("report", "POST", r -> "/stores/" + PENDING + "/versions/1/replicas",
            r -> body("partition", 0, "instance", serverInstance, "status", "COMPLETED"),
            List.of("partition", "instance", "status"), List.of("GET", "PUT", "DELETE")));

    List<Request> requests = new ArrayList<>();
    while (requests.size() < requestCount()) {
      if (random.nextInt(10) == 0) {
        requests.add(otherProcess(random));
        continue;
      }
      Route route = routes.get(random.nextInt(routes.size()));
      String path = route.path().apply(random);
      Map<String, Object> valid = route.validBody().apply(random);
      String json = valid == null ? null : JSON.writeValueAsString(valid);
      String kind = route.name() + "/";
      if (sendsValidRequests() && random.nextInt(4) == 0) {
        requests.add(new Request(controller, route.method(), path, type(json), bytes(json),
            kind + "valid request"));
        continue;
      }
      switch (random.nextInt(12)) {
        case 0 -> requests.add(new Request(controller, route.method(), path + badQuery(random),
            type(json), bytes(json), kind + "bad query parameter"));
        case 1 -> requests.add(new Request(controller, pick(random, route.otherMethods()), path,
            type(json), bytes(json), kind + "wrong method"));
        case 2 -> requests.add(new Request(controller, route.method(), badPath(random, path),
            type(json), bytes(json), kind + "bad store name, version or encoding in the path"));
        default -> {
          if (valid == null) { // DELETE takes no body: a bad store name, encoding or a body
            requests.add(random.nextBoolean()
                ? new Request(controller, "DELETE", badStorePath(random), null, null,
                    kind + "bad store name")
                : new Request(controller, "DELETE", path, "application/json",
                    bytes("{}"), kind + "body on a DELETE"));
          } else {
            requests.add(badBody(random, controller, route, path, valid, json));
          }
        }
      }
    }
    return requests;
  }

  /** One defect in the body of a route that takes one. */
  private static Request badBody(Random random, String base, Route route, String path,
      Map<String, Object> valid, String json) throws Exception {
    String kind = route.name() + "/";
    switch (random.nextInt(8)) {
      case 0: {
        String type = pick(random, "text/plain", "application/xml", null,
            "application/json; charset=iso-8859-1", "application/x-www-form-urlencoded");
        return new Request(base, route.method(), path, type, bytes(json), kind + "content type");
      }
      case 1:
        return new Request(base, route.method(), path, "application/json",
            malformed(random, json), kind + "malformed JSON");
      case 2: {
        Map<String, Object> more = new LinkedHashMap<>(valid);
        more.put("zz" + random.nextInt(100), random.nextBoolean() ? 1 : "x");
        return json(base, route.method(), path, more, kind + "unknown field");
      }
      case 3:
        if (!route.required().isEmpty()) {
          Map<String, Object> fewer = new LinkedHashMap<>(valid);
          fewer.remove(pick(random, route.required()));
          return json(base, route.method(), path, fewer, kind + "missing field");
        }
        // fall through: a route without required fields gets a wrong type instead
      case 4:
      case 5: {
        if (valid.isEmpty()) {
          return json(base, route.method(), path, Map.of("force", true), kind + "unknown field");
        }
        Map<String, Object> wrong = new LinkedHashMap<>(valid);
        String field = pick(random, new ArrayList<>(valid.keySet()));
        wrong.put(field, wrongValue(random, field));
        return json(base, route.method(), path, wrong, kind + "wrong type or range of " + field);
      }
      case 6: {
        Map<String, Object> huge = new LinkedHashMap<>(valid);
        huge.put("padding", "x".repeat((1 << 20) + random.nextInt(1 << 16)));
        return json(base, route.method(), path, huge, kind + "huge body");
      }
      default:
        return refusedByState(random, base, route, path, valid);
    }
  }

  /** A well-formed request the store's current state refuses (a conflict or a missing thing). */
  private static Request refusedByState(Random random, String base, Route route, String path,
      Map<String, Object> valid) throws Exception {
    Map<String, Object> changed = new LinkedHashMap<>(valid);
    String why;
    switch (route.name()) {
      case "create" -> {
        changed.put("name", pick(random, STORE, PENDING));
        why = "store exists";
        if (random.nextBoolean()) {
          changed.put("name", "fz-new");
          changed.put(pick(random, "keySchema", "valueSchema"), pick(random, "[]",
              "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[]}", "{\"type\":\"nonsense\"}",
              "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":-2}", ""));
          why = "schema that holds no value or is invalid";
        }
      }
      case "update" -> {
        changed.put(pick(random, "partitionCount", "replicationFactor"), 5000);
        why = "out of range";
      }
      case "schema" -> {
        changed.put("schema", pick(random, Schemas.USER_BAD, "[]", "{\"type\":\"record\"}"));
        why = "incompatible or invalid schema";
      }
      case "push" -> {
        String store = random.nextBoolean() ? PENDING : STORE;
        changed.put("recordCount", store.equals(PENDING) ? RECORDS : pick(random, 0, 1, 5));
        return json(base, "POST", "/stores/" + store + "/versions", changed,
            "push/refused by push in progress, empty or shrink rule");
      }
      case "swap" -> {
        changed.put("version", pick(random, 2, 99));
        why = "no such version";
      }
      case "kill" -> {
        return json(base, "POST", pick(random, "/stores/" + STORE + "/versions/1/kill",
            "/stores/" + PENDING + "/versions/9/kill"), changed,
            "kill/version online or missing");
      }
      case "report" -> {
        changed.put(random.nextBoolean() ? "instance" : "partition",
            random.nextBoolean() ? "localhost_1" : 5);
        if (changed.get("instance") instanceof Integer) {
          changed.put("instance", "localhost_1");
        }
        why = "unknown instance or partition";
      }
      default -> throw new IllegalStateException(route.name());
    }
    return json(base, route.method(), path, changed, route.name() + "/" + why);
  }

  private static Object wrongValue(Random random, String field) {
    return switch (field) {
      case "name" -> pick(random, 5, "", "bad/name", "x".repeat(200), "dot.ted", List.of());
      case "keySchema", "valueSchema", "schema" -> pick(random, 5, Map.of(), List.of(), true);
      case "partitionCount", "numVersionsToPreserve", "version" ->
          pick(random, "3", 0, -1, 1.5, true, List.of(), 1L << 40, Map.of());
      case "partition" -> pick(random, "0", -1, 1.5, true, 5, 1L << 40, Map.of());
      case "recordCount" -> pick(random, -1, "50", 2.5, false, Map.of());
      case "allowEmpty", "force" -> pick(random, "true", 1, "yes", List.of());
      case "status" -> pick(random, "DONE", 5, "", "completed!");
      case "instance" -> pick(random, 5, "..", "no port", "");
      default -> List.of(field);
    };
  }

  private static byte[] malformed(Random random, String json) {
    switch (random.nextInt(9)) {
      case 0:
        return bytes(json.substring(0, 1 + random.nextInt(json.length() - 1)));
      case 1:
        return bytes(json + pick(random, " garbage", "{}", "]", ",", "\u0000", json));
      case 2:
        return bytes(pick(random, " ", "\n\t ", "\r\n"));
      case 3:
        return bytes(json.length() > 2 ? "{\"dup\":1,\"dup\":2," + json.substring(1)
            : "{\"dup\":1,\"dup\":2}");
      case 4: {
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        bad.writeBytes(bytes("{\"name\":\""));
        bad.write(0xC3);
        bad.write(0x28);
        bad.writeBytes(bytes("\"}"));
        return bad.toByteArray();
      }
      case 5:
        return bytes("[".repeat(3000) + "]".repeat(3000));
      case 6:
        return bytes(pick(random, "[]", "\"text\"", "42", "null", "true"));
      case 7:
        return bytes("{\"version\": NaN}");
      default:
        return bytes("{'single': 'quotes'}");
    }
  }

  private static String badQuery(Random random) {
    return pick(random, "?dryRun=maybe", "?dryRun=yes", "?dryRun=1", "?dryRun=TRUE", "?dryRun=",
        "?dryRun", "?dryrun=true", "?dryRun=true&dryRun=false", "?force=true", "?dryRun=%zz",
        "?dryRun=true&x=%C3%28", "?" + "q".repeat(3000) + "=1", "?dryRun=tru%65%20");
  }

  /** {@code path} with its store (or version) segment replaced by a bad one. */
  private static String badPath(Random random, String path) {
    if (path.contains("/versions/") && random.nextBoolean()) {
      return path.replaceFirst("/versions/[^/]+", "/versions/" + pick(random, "0", "-1", "x",
          "99", "1.5", "%zz", "%20"));
    }
    if (path.equals("/stores")) {
      return badStorePath(random); // POST /stores/{store} is no route: a 405 or a 400
    }
    return badStorePath(random) + path.replaceFirst("^/stores/[^/]+", "");
  }

  private static String badStorePath(Random random) {
    return "/stores/" + pick(random, "%zz", "%C3%28", "a%2Fb", "%2e%2e", "dot.ted", "x".repeat(200),
        "%C3%A9t%C3%A9", "no-such-store", "a%", "%00", "a|b", "{x}");
  }

  private Request otherProcess(Random random) throws Exception {
    String server = cluster.servers().get(0).adminUrl();
    String router = cluster.routerUrl();
    String base = random.nextBoolean() ? server : router;
    String route = base.equals(server) ? "/partitions" : "/metadata/" + STORE;
    return switch (random.nextInt(5)) {
      case 0 -> new Request(base, pick(random, "POST", "PUT", "DELETE", "PATCH"), pick(random,
          route, "/health", "/metrics", "/plugins"), "application/json", bytes("{}"),
          "other process/wrong method");
      case 1 -> new Request(base, "GET", pick(random, route, "/health", "/metrics") + "?x=1",
          null, null, "other process/unknown query parameter");
      case 2 -> new Request(base, "GET", base.equals(server) ? "/partitions/%zz"
          : "/metadata/" + pick(random, "%zz", "%C3%28", "no-such-store"), null, null,
          "other process/bad name or encoding");
      case 3 -> new Request(base, "GET", route, "application/json", bytes("{\"x\":1}"),
          "other process/body on a GET");
      default -> new Request(base, "GET", "/no/such/route", null, null,
          "other process/unknown route");
    };
  }

  private static Request json(String base, String method, String path, Map<String, Object> body,
      String defect) throws Exception {
    return new Request(base, method, path, "application/json", JSON.writeValueAsBytes(body),
        defect);
  }

  private static Map<String, Object> body(Object... pairs) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      body.put((String) pairs[i], pairs[i + 1]);
    }
    return body;
  }

  private static String type(String json) {
    return json == null ? null : "application/json";
  }

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static <T> T pick(Random random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }
}
