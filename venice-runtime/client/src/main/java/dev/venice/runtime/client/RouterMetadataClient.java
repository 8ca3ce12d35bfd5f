package dev.venice.runtime.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Fetches routing metadata and the gRPC address from a router's admin port. */
final class RouterMetadataClient {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String routerUrl;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  RouterMetadataClient(String routerUrl) {
    this.routerUrl = routerUrl.replaceAll("/+$", "");
  }

  String routerUrl() {
    return routerUrl;
  }

  /** The store's routing metadata; an unknown store is an {@link UnknownStoreException}. */
  RoutingMetadata metadata(String store) {
    HttpResponse<byte[]> response = get("/metadata/" + URLEncoder.encode(store,
        StandardCharsets.UTF_8), store);
    if (response.statusCode() == 404) {
      throw new UnknownStoreException(store, "the router at " + routerUrl
          + " knows no readable store of that name");
    }
    return parse(response, store, RoutingMetadata.class);
  }

  /** The router's gRPC address, {@code host:port}. */
  String grpcAddress(String store) {
    return parse(get("/discover", store), store, JsonNode.class).get("grpc").asText();
  }

  private HttpResponse<byte[]> get(String path, String store) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(routerUrl + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ServiceUnavailableException(store, "router at " + routerUrl + " unreachable: "
          + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(store, "interrupted", e);
    }
  }

  private <T> T parse(HttpResponse<byte[]> response, String store, Class<T> type) {
    if (response.statusCode() != 200) {
      throw new ServiceUnavailableException(store, "router at " + routerUrl + " answered "
          + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8),
          null);
    }
    try {
      return JSON.readValue(response.body(), type);
    } catch (IOException e) {
      throw new ServiceUnavailableException(store, "router at " + routerUrl
          + " sent unreadable metadata: " + e.getMessage(), e);
    }
  }
}
