package dev.venice.plugins.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules across keys, and the defaults that depend on other keys. */
class TracingConfigTest {
  private static TracingConfig config(Map<String, String> raw) {
    return TracingConfig.from(PluginConfig.of("tracing", TracingConfig.KEYS, raw));
  }

  private static ConfigException refused(Map<String, String> raw) {
    return assertThrows(ConfigException.class, () -> config(raw));
  }

  @Test
  void theEndpointDefaultsToTheProtocolsPort() {
    assertEquals("http://localhost:4317", config(Map.of()).endpoint());
    assertEquals("http://localhost:4318/v1/traces",
        config(Map.of("protocol", "http/protobuf")).endpoint());
    assertEquals("http://collector:4317",
        config(Map.of("endpoint", "http://collector:4317")).endpoint());
    assertEquals(TracingConfig.Protocol.NONE, config(Map.of("protocol", "NONE")).protocol());
  }

  @Test
  void anUnknownProtocolIsRefusedNamingTheKey() {
    ConfigException e = refused(Map.of("protocol", "zipkin"));
    assertEquals("plugins.tracing.protocol", e.key());
    assertTrue(e.getMessage().contains("grpc, http/protobuf or none"), e.getMessage());
  }

  @Test
  void anEndpointMustBeAnHttpUrl() {
    ConfigException e = refused(Map.of("endpoint", "localhost:4317"));
    assertEquals("plugins.tracing.endpoint", e.key());
  }

  @Test
  void aBatchLargerThanTheQueueIsRefused() {
    ConfigException e = refused(Map.of("max-queue-size", "10", "max-export-batch-size", "11"));
    assertEquals("plugins.tracing.max-export-batch-size", e.key());
  }

  @Test
  void theServiceNameDefaultsToTheProcessKind() {
    assertEquals("venice-router", config(Map.of()).serviceName("router"));
    assertEquals("shop", config(Map.of("service-name", "shop")).serviceName("router"));
  }
}
