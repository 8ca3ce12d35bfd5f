package dev.venice.runtime.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.runtime.common.security.Tls;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches routing metadata and gRPC addresses from routers' admin ports, asking the routers in turn
 * until one answers.
 */
final class RouterMetadataClient implements RoutingMetadataSource {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final List<String> routerUrls;
  private final HttpClient http;
  /** The {@code Authorization} header value; {@code null} when the client has no token. */
  private final String authorization;

  /**
   * @param tls the client's key material for HTTPS routers; {@code null}: the JDK's defaults
   * @param bearerToken sent as {@code Authorization: Bearer}; {@code null} for none
   */
  RouterMetadataClient(List<String> routerUrls, Tls tls, String bearerToken) {
    if (bearerToken != null && routerUrls.stream().anyMatch(u -> !u.startsWith("https://"))) {
      throw new IllegalArgumentException("a bearer token is sent only over TLS: router URLs "
          + routerUrls + " must all be https");
    }
    this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      http.sslContext(tls.context());
    }
    this.http = http.build();
    if (routerUrls.isEmpty()) {
      throw new IllegalArgumentException("a client needs at least one router URL");
    }
    this.routerUrls = routerUrls.stream().map(u -> u.replaceAll("/+$", "")).toList();
  }

  String routerUrl() {
    return String.join(", ", routerUrls);
  }

  @Override
  public List<String> routerUrls() {
    return routerUrls;
  }

  /** The store's routing metadata; an unknown store is an {@link UnknownStoreException}. */
  @Override
  public RoutingMetadata metadata(String store) {
    HttpResponse<byte[]> response = get("/metadata/" + URLEncoder.encode(store,
        StandardCharsets.UTF_8), store);
    if (response.statusCode() == 404) {
      throw new UnknownStoreException(store, "the router at " + routerUrl()
          + " knows no readable store of that name");
    }
    return parse(response, store, RoutingMetadata.class);
  }

  /**
   * A {@code ZSTD_WITH_DICT} version's dictionary from {@code GET /dictionary/<store>/<version>}
   * on the first router that answers.
   */
  @Override
  public CompressionDictionary dictionary(String store, int version) {
    HttpResponse<byte[]> response = get("/dictionary/" + URLEncoder.encode(store,
        StandardCharsets.UTF_8) + "/" + version, store);
    if (response.statusCode() != 200) {
      throw new ServiceUnavailableException(store, "router at " + response.uri() + " has no"
          + " compression dictionary for version " + version + " (" + response.statusCode() + ": "
          + new String(response.body(), StandardCharsets.UTF_8) + ")", null);
    }
    try {
      return CompressionDictionary.of(response.body());
    } catch (IllegalArgumentException e) {
      throw new ServiceUnavailableException(store, "router at " + response.uri() + " sent an"
          + " unusable dictionary for version " + version + ": " + e.getMessage(), e);
    }
  }

  /** The gRPC addresses ({@code host:port}) of the routers that answer. */
  List<String> grpcAddresses(String store) {
    List<String> addresses = new ArrayList<>();
    ServiceUnavailableException last = null;
    for (String url : routerUrls) {
      try {
        addresses.add(parse(get(url, "/discover", store), store, JsonNode.class).get("grpc")
            .asText());
      } catch (ServiceUnavailableException e) {
        last = e;
      }
    }
    if (addresses.isEmpty()) {
      throw last;
    }
    return addresses;
  }

  private HttpResponse<byte[]> get(String path, String store) {
    ServiceUnavailableException last = null;
    for (String url : routerUrls) {
      try {
        return get(url, path, store);
      } catch (ServiceUnavailableException e) {
        last = e;
      }
    }
    throw last;
  }

  private HttpResponse<byte[]> get(String url, String path, String store) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
          .timeout(Duration.ofSeconds(10));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ServiceUnavailableException(store, "router at " + url + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(store, "interrupted", e);
    }
  }

  private <T> T parse(HttpResponse<byte[]> response, String store, Class<T> type) {
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      // not a router that is down: another router would answer the same
      throw new VeniceClientException(store, "router at " + response.uri() + " answered "
          + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8),
          null);
    }
    if (response.statusCode() != 200) {
      throw new ServiceUnavailableException(store, "router at " + response.uri() + " answered "
          + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8),
          null);
    }
    try {
      return JSON.readValue(response.body(), type);
    } catch (IOException e) {
      throw new ServiceUnavailableException(store, "router at " + response.uri()
          + " sent unreadable metadata: " + e.getMessage(), e);
    }
  }
}
