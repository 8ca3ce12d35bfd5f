package dev.venice.runtime.common.controller;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.meta.PushProgressReport;
import dev.venice.runtime.common.meta.PushStatus;
import dev.venice.runtime.common.meta.PushSummary;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.security.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Java client of a controller's admin API. Any controller of the cluster will do: a standby
 * answers mutations with a redirect to the leader, which this client follows. Every failure is a
 * {@link ControllerException} carrying the controller's message.
 */
public final class ControllerClient {
  /** The header naming the caller; the reference runtime does not authenticate it. */
  public static final String PRINCIPAL_HEADER = "X-Venice-Principal";
  private static final int MAX_REDIRECTS = 3;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String baseUrl;
  /** The key material, kept for {@link #withBearerToken}; {@code null}: the JVM's default. */
  private final Tls tlsOrNull;
  /** The claimed principal; {@code null} over HTTPS, where a certificate or token names it. */
  private final String principal;
  private final HttpClient http;
  private final Duration timeout;
  /** The {@code Authorization} header value; {@code null} without a bearer token. */
  private final String authorization;

  /** A client of the controller at {@code url} (e.g. {@code http://127.0.0.1:5555}). */
  public ControllerClient(String url) {
    this(url, "anonymous", Duration.ofSeconds(30));
  }

  /**
   * @param url any controller of the cluster
   * @param principal who the caller is, recorded by audit plugins
   * @param timeout how long one request may take
   */
  public ControllerClient(String url, String principal, Duration timeout) {
    this(url, principal, timeout, null);
  }

  /**
   * @param url any controller of the cluster ({@code https://...} for a cluster with {@code
   *     ssl.enabled})
   * @param principal who the caller claims to be, sent as {@code X-Venice-Principal} to a cluster
   *     without security (to an {@code https} URL this client sends no claim: the controller takes
   *     the certificate's or token's principal)
   * @param timeout how long one request may take
   * @param tls the caller's key material for HTTPS (its certificate names its principal); {@code
   *     null}: the JVM's default SSL context ({@code javax.net.ssl.*} properties)
   */
  public ControllerClient(String url, String principal, Duration timeout, Tls tls) {
    this(url, principal, timeout, tls, null);
  }

  private ControllerClient(String url, String principal, Duration timeout, Tls tls,
      String authorization) {
    this.authorization = authorization;
    this.tlsOrNull = tls;
    this.baseUrl = Objects.requireNonNull(url, "url").replaceAll("/+$", "");
    Objects.requireNonNull(principal, "principal");
    this.principal = baseUrl.startsWith("https://") ? null : principal;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    HttpClient.Builder http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      http.sslContext(tls.context());
    }
    this.http = http.build();
  }

  /**
   * This client authenticating with a bearer token (RFC 6750) instead of a client certificate:
   * every request carries {@code Authorization: Bearer <token>}, for the cluster's token
   * authenticator plugin ({@code jwt-authenticator}) to verify.
   *
   * @throws IllegalArgumentException when the URL is not {@code https}: a token never travels in
   *     clear
   */
  public ControllerClient withBearerToken(String token) {
    Objects.requireNonNull(token, "token");
    if (!baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("a bearer token is sent only over TLS, not to "
          + baseUrl);
    }
    return new ControllerClient(baseUrl, "anonymous", timeout, tlsOrNull, "Bearer " + token);
  }

  /** The controller URL this client was created with. */
  public String url() {
    return baseUrl;
  }

  /**
   * Creates a store.
   *
   * @param request the fields of {@code POST /stores}: {@code name}, {@code keySchema}, {@code
   *     valueSchema} and optionally {@code partitionCount}, {@code replicationFactor}, {@code
   *     compressionStrategy}, {@code hybrid}, {@code schemaCompatibility}, {@code
   *     numVersionsToPreserve}, {@code pluginSettings}
   */
  public Store createStore(Map<String, ?> request) {
    return as(send("POST", "/stores", request), Store.class);
  }

  /** Creates a store with the usual fields. */
  public Store createStore(String name, String keySchema, String valueSchema, int partitionCount,
      int replicationFactor) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("name", name);
    request.put("keySchema", keySchema);
    request.put("valueSchema", valueSchema);
    request.put("partitionCount", partitionCount);
    request.put("replicationFactor", replicationFactor);
    return createStore(request);
  }

  /** The names of all stores. */
  public List<String> listStores() {
    List<String> names = new ArrayList<>();
    send("GET", "/stores", null).get("stores").forEach(n -> names.add(n.asText()));
    return names;
  }

  /** One store. */
  public Store getStore(String store) {
    return as(send("GET", storePath(store), null), Store.class);
  }

  /**
   * Updates a store's settings; {@code changes} holds only the fields to change ({@code "hybrid":
   * null} makes a store batch-only; a {@code pluginSettings} entry with a null value removes it).
   */
  public Store updateStore(String store, Map<String, ?> changes) {
    return as(send("PATCH", storePath(store), changes), Store.class);
  }

  /**
   * Deletes a store with all its versions, topics and Helix resources.
   *
   * @return the warnings controller plugins gave as they let it proceed (each {@code "<plugin>:
   *     <warning>"}), empty when none
   */
  public List<String> deleteStore(String store) {
    return warnings(send("DELETE", storePath(store), null));
  }

  /** The {@code warnings} of an admin answer (see {@code AdminVerdict.proceedWithWarning}). */
  public static List<String> warnings(JsonNode answer) {
    List<String> warnings = new ArrayList<>();
    answer.path("warnings").forEach(w -> warnings.add(w.asText()));
    return List.copyOf(warnings);
  }

  /** Registers a value schema (or finds an identical one); returns its id. */
  public int addValueSchema(String store, String schema) {
    return send("POST", storePath(store) + "/schemas", Map.of("schema", schema)).get("id").asInt();
  }

  /**
   * What registering a value schema would do, without registering it ({@code POST
   * /stores/{store}/schemas?dryRun=true}): per registered value schema the compatibility verdict
   * with field-level reasons, the pushes in flight, and whether the real registration would be
   * accepted (else its {@link SchemaDryRun#refusal()}). An incompatible or vetoed schema is an
   * answer, not an exception.
   *
   * @throws ControllerException for a bad request (400 invalid schema, 404 no such store) or an
   *     unreachable controller
   */
  public SchemaDryRun dryRunValueSchema(String store, String schema) {
    return as(send("POST", storePath(store) + "/schemas?dryRun=true", Map.of("schema", schema)),
        SchemaDryRun.class);
  }

  /** A store's key and value schemas. */
  public StoreSchemas schemas(String store) {
    return as(send("GET", storePath(store) + "/schemas", null), StoreSchemas.class);
  }

  /**
   * Starts a push without declaring its size: creates the next version, its topic and Helix
   * resource. The push rules on empty and shrinking pushes cannot apply; the push job uses {@link
   * #startPush(String, long, boolean, boolean)}.
   */
  public Version startPush(String store) {
    return as(send("POST", storePath(store) + "/versions", null), Version.class);
  }

  /**
   * Starts a push declaring how many records it will write.
   *
   * @param recordCount the records (keys) the push writes
   * @param allowEmpty whether a push of 0 records may proceed
   * @param force whether a push may replace a current version with many more records
   * @throws ControllerException 409 {@code EMPTY_PUSH} or {@code PUSH_WOULD_SHRINK_STORE} when a
   *     rule refuses it, {@code PUSH_IN_PROGRESS} when another push runs
   */
  public Version startPush(String store, long recordCount, boolean allowEmpty, boolean force) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("recordCount", recordCount);
    request.put("allowEmpty", allowEmpty);
    request.put("force", force);
    return as(send("POST", storePath(store) + "/versions", request), Version.class);
  }

  /** A version's push status with every replica's report. */
  public PushStatus pushStatus(String store, int version) {
    return as(send("GET", versionPath(store, version), null), PushStatus.class);
  }

  /**
   * Sends a push job's progress report for a version whose push is in progress (the push job does
   * this about once a second).
   *
   * @throws ControllerException 409 {@code PUSH_NOT_IN_PROGRESS} when the push has ended, 400
   *     for a bad field
   */
  public void reportPushProgress(String store, int version, PushProgressReport report) {
    send("POST", versionPath(store, version) + "/progress", report);
  }

  /**
   * Sends a {@code ZSTD_WITH_DICT} version's compression dictionary (its push does, before
   * start-of-push).
   *
   * @throws ControllerException 400 when the version takes no dictionary or it is too large, 409
   *     {@code DICTIONARY_EXISTS} when it has another, {@code PUSH_NOT_IN_PROGRESS} after the push
   */
  public void putDictionary(String store, int version, byte[] dictionary) {
    send("PUT", versionPath(store, version) + "/dictionary", Map.of("dictionary",
        Base64.getEncoder().encodeToString(dictionary)));
  }

  /**
   * A version's compression dictionary.
   *
   * @throws ControllerException 404 when the version has none
   */
  public byte[] dictionary(String store, int version) {
    return Base64.getDecoder().decode(send("GET", versionPath(store, version) + "/dictionary",
        null).get("dictionary").asText());
  }

  /**
   * Pushes in progress and those started in the last 10 minutes, newest first, in one call
   * ({@code GET /pushes}, answered by the leader).
   *
   * @param store one store's pushes, or null for every store's
   * @throws ControllerException 404 when {@code store} does not exist
   */
  public List<PushSummary> pushes(String store) {
    JsonNode answer = send("GET", store == null ? "/pushes"
        : "/pushes?store=" + URLEncoder.encode(store, StandardCharsets.UTF_8), null);
    List<PushSummary> pushes = new ArrayList<>();
    answer.get("pushes").forEach(p -> pushes.add(as(p, PushSummary.class)));
    return pushes;
  }

  /** Reports one replica's ingestion status (what a server does through ZooKeeper). */
  public void reportReplica(String store, int version, int partition, String instance,
      ReplicaStatus status) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("partition", partition);
    report.put("instance", instance);
    report.put("status", status.name());
    send("POST", versionPath(store, version) + "/replicas", report);
  }

  /** Kills a push in progress; the version never becomes current. */
  public PushStatus killPush(String store, int version) {
    return as(send("POST", versionPath(store, version) + "/kill", null), PushStatus.class);
  }

  /** Makes an online version the current one (a rollback or roll-forward). */
  public Store setCurrentVersion(String store, int version) {
    return as(send("PUT", storePath(store) + "/current-version", Map.of("version", version)),
        Store.class);
  }

  /** The cluster's state: leader, controllers, storage instances, store count. */
  public JsonNode cluster() {
    return send("GET", "/cluster", null);
  }

  /**
   * Leaders per server across every store version, the cluster's imbalance (standard deviation /
   * mean of leaders per live server) and each store's, flagged above {@code threshold} ({@code
   * GET /cluster/leader-distribution}).
   */
  public JsonNode leaderDistribution(double threshold) {
    return send("GET", "/cluster/leader-distribution?threshold=" + threshold, null);
  }

  /**
   * Starts a leader rebalance of the stores whose leader imbalance is above {@code threshold}
   * ({@code POST /cluster/leader-rebalance}); answers before the leaders move.
   *
   * @param dryRun name the stores, change nothing
   */
  public JsonNode rebalanceLeaders(double threshold, boolean dryRun) {
    return send("POST", "/cluster/leader-rebalance?dryRun=" + dryRun,
        Map.of("threshold", threshold));
  }

  /**
   * A store version's replicas per server from Helix's external view ({@code GET
   * /stores/{store}/assignment}), and with a simulated change the assignment Helix's rebalancer
   * predicts after it (nothing changes in the cluster).
   *
   * @param version the version, or {@code null} for the current one
   * @param addServers simulated new servers (0: none)
   * @param removeServer the instance id of a server to simulate removing, or {@code null}
   */
  public JsonNode assignment(String store, Integer version, int addServers, String removeServer) {
    List<String> query = new ArrayList<>();
    if (version != null) {
      query.add("version=" + version);
    }
    if (addServers > 0) {
      query.add("simulateAddServer=" + addServers);
    }
    if (removeServer != null) {
      query.add("simulateRemoveServer=" + URLEncoder.encode(removeServer, StandardCharsets.UTF_8));
    }
    return send("GET", storePath(store) + "/assignment"
        + (query.isEmpty() ? "" : "?" + String.join("&", query)), null);
  }

  /**
   * Sends any admin request and returns the JSON answer; follows a standby's redirect to the
   * leader.
   *
   * @param method the HTTP method
   * @param pathAndQuery the path, e.g. {@code /stores/users?dryRun=true}
   * @param body the JSON body, or {@code null}
   */
  public JsonNode send(String method, String pathAndQuery, Object body) {
    String url = baseUrl + pathAndQuery;
    byte[] payload;
    try {
      payload = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("request body cannot be written as JSON: " + e, e);
    }
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<byte[]> response = exchange(method, url, payload);
      if (response.statusCode() == 307 || response.statusCode() == 308) {
        url = response.headers().firstValue("Location").orElseThrow(() -> new ControllerException(
            response.statusCode(), "BAD_REDIRECT", "controller at " + baseUrl
                + " redirected without a Location", null));
        if (authorization != null && !url.startsWith("https://")) {
          throw new ControllerException(response.statusCode(), "BAD_REDIRECT", "controller at "
              + baseUrl + " redirected to " + url + ", which is not https: the bearer token is"
              + " not sent there", null);
        }
        continue;
      }
      JsonNode json = parse(response);
      if (response.statusCode() >= 400) {
        throw new ControllerException(response.statusCode(),
            json.path("errorType").asText("HTTP_" + response.statusCode()),
            json.path("error").asText(new String(response.body(), StandardCharsets.UTF_8)), null);
      }
      return json;
    }
    throw new ControllerException(0, "TOO_MANY_REDIRECTS", method + " " + pathAndQuery
        + ": more than " + MAX_REDIRECTS + " redirects starting at " + baseUrl, null);
  }

  private HttpResponse<byte[]> exchange(String method, String url, byte[] payload) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(timeout)
        .header("Accept", "application/json")
        .method(method, payload.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(payload));
    if (payload.length > 0) {
      request.header("Content-Type", "application/json");
    }
    if (principal != null) {
      request.header(PRINCIPAL_HEADER, principal);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ControllerException(0, "UNREACHABLE", "controller at " + baseUrl
          + " is unreachable (" + (e.getMessage() == null ? "connection failed" : e.getMessage())
          + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControllerException(0, "INTERRUPTED", method + " " + url + " interrupted", e);
    }
  }

  private static JsonNode parse(HttpResponse<byte[]> response) {
    if (response.body().length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ControllerException(response.statusCode(), "BAD_RESPONSE", "controller answered "
          + response.statusCode() + " with a body that is not JSON: "
          + new String(response.body(), StandardCharsets.UTF_8), e);
    }
  }

  private static <T> T as(JsonNode json, Class<T> type) {
    try {
      return JSON.treeToValue(json, type);
    } catch (IOException e) {
      throw new ControllerException(200, "BAD_RESPONSE", "unexpected " + type.getSimpleName()
          + " JSON from the controller: " + e.getMessage(), e);
    }
  }

  private static String storePath(String store) {
    if (store.isEmpty()) {
      // "/stores/" would name the store list, not a store
      throw new IllegalArgumentException("the store name is empty; a store name is 1 to 128"
          + " letters, digits, '_' or '-'");
    }
    return "/stores/" + URLEncoder.encode(store, StandardCharsets.UTF_8);
  }

  private static String versionPath(String store, int version) {
    return storePath(store) + "/versions/" + version;
  }
}
