package dev.venice.plugins.bloomfilter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;

/**
 * {@code GET /plugins/bloom-filter/} on the server's admin port: a JSON array with one object per
 * filter ({@code store}, {@code version}, {@code partition}, {@code keys}, {@code bytes}, {@code
 * estimatedFpp}). Thread-safe: each call reads a snapshot of the filters.
 */
final class BloomFilterEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PartitionFilters filters;

  BloomFilterEndpoint(PartitionFilters filters) {
    this.filters = filters;
  }

  @Override
  public String path() {
    return "";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    return PluginHttpResponse.json(200, JSON.writeValueAsString(filters.report()));
  }
}
