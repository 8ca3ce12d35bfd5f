package dev.venice.runtime.client;

import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.spi.client.ServiceUnavailableException;
import java.util.List;

/**
 * Where a fast client gets routing metadata: the routers ({@link RouterMetadataClient}), or a fake
 * in unit tests.
 */
interface RoutingMetadataSource {
  /**
   * The store's routing metadata, fetched now (blocking).
   *
   * @throws dev.venice.spi.client.UnknownStoreException when no router knows the store
   * @throws dev.venice.spi.client.ServiceUnavailableException when no router answers
   */
  RoutingMetadata metadata(String store);

  /** The routers asked, in order. */
  List<String> routerUrls();

  /**
   * A {@code ZSTD_WITH_DICT} version's compression dictionary, fetched now (blocking). Sources
   * that serve none (unit-test fakes) keep this default, which refuses.
   *
   * @throws dev.venice.spi.client.ServiceUnavailableException when no router has it
   */
  default CompressionDictionary dictionary(String store, int version) {
    throw new ServiceUnavailableException(store, "no compression dictionary source for version "
        + version, null);
  }
}
