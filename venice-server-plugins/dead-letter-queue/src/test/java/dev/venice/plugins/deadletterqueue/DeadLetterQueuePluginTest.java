package dev.venice.plugins.deadletterqueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.server.DeadLetterMessage;
import dev.venice.spi.server.DeadLetterRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: the per-store switch (off unless the store says {@code
 * true}), the hook's message, the endpoint.
 */
class DeadLetterQueuePluginTest extends PluginContractTest<DeadLetterQueuePlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected DeadLetterQueuePlugin newPlugin() {
    return new DeadLetterQueuePlugin();
  }

  /** A dead letter of a store with the queue on, and the endpoint. */
  @Override
  protected void exercise(DeadLetterQueuePlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    context.putStoreSettings("users", Map.of("enabled", "true"));
    extensions.ingestionHooks().get(0).deadLetterMessage(letter("users"));
    extensions.endpoint("topics").handle(get());
  }

  private static DeadLetterRecord letter(String store) {
    return new DeadLetterRecord(store, 1, 0, store + "_rt", 7, 1000L, new byte[] {1},
        new byte[] {2, 3}, Map.of(), "undecodable", "bad envelope", true);
  }

  private static PluginHttpRequest get() {
    return new PluginHttpRequest("GET", "topics", Map.of(), Map.of(), new byte[0]);
  }

  @Test
  void aStoreKeepsDeadLettersOnlyWhenItsOwnSettingsSayTrue() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      IngestionRecordHook hook = context.start().ingestionHooks().get(0);
      context.stores().put("silent", Map.of());
      assertEquals(Optional.empty(), hook.deadLetterMessage(letter("silent")),
          "a store that says nothing is off (seed: dead.letter.queue.enabled default false)");
      assertEquals(Optional.empty(), hook.deadLetterMessage(letter("unknown")));
      context.putStoreSettings("off", Map.of("enabled", "false"));
      assertEquals(Optional.empty(), hook.deadLetterMessage(letter("off")));

      context.putStoreSettings("users", Map.of("enabled", "true"));
      Optional<DeadLetterMessage> kept = hook.deadLetterMessage(letter("users"));
      assertTrue(kept.isPresent());
      assertEquals("users_dlq", kept.get().topic());
      assertArrayEquals(new byte[] {1}, kept.get().key());
      assertArrayEquals(new byte[] {2, 3}, kept.get().value());
      assertEquals("undecodable", new String(kept.get().headers().get("dlq.error.type"),
          StandardCharsets.UTF_8));
      assertEquals(String.valueOf(context.time().now().toEpochMilli()), new String(
          kept.get().headers().get("dlq.timestamp"), StandardCharsets.UTF_8),
          "the injected clock");
      assertEquals(1.0, context.meterRegistry().get("venice.server.dead.letter.queue.encoded")
          .tag("store", "users").tag("reason", "undecodable").counter().count());

      context.stores().unavailable(true);
      assertTrue(hook.deadLetterMessage(letter("users")).isPresent(),
          "metadata away: the last answer, so no dead letter is dropped");
      context.stores().unavailable(false);
      context.putStoreSettings("users", Map.of("enabled", "false"));
      assertEquals(Optional.empty(), hook.deadLetterMessage(letter("users")), "switched off");
    }
  }

  @Test
  void aStoreSwitchingOnIsListedAtOnceAndPendingWithoutKafka() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.putStoreSettings("users", Map.of("enabled", "true"));
      context.putStoreSettings("other", Map.of());
      PluginHttpResponse answer = added.endpoint("topics").handle(get());
      assertEquals(200, answer.status());
      JsonNode topics = JSON.readTree(answer.body()).path("topics");
      assertEquals(1, topics.size(), topics.toString());
      assertEquals("users_dlq", topics.get(0).path("topic").asText());
      assertEquals(1.0, context.meterRegistry().get(
          "venice.server.dead.letter.queue.topics.pending").gauge().value()
          + context.meterRegistry().get("venice.server.dead.letter.queue.topics.ready").gauge()
          .value());
      assertEquals(405, added.endpoint("topics").handle(new PluginHttpRequest("POST", "topics",
          Map.of(), Map.of(), new byte[0])).status());
    }
  }

  @Test
  void storesFoundWithTheQueueOnAtStartAreWanted() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      context.putStoreSettings("early", Map.of("enabled", "true"));
      TestingExtensions added = context.start();
      dev.venice.testkit.Await.until(() -> {
        try {
          return JSON.readTree(added.endpoint("topics").handle(get()).body()).path("topics")
              .size() == 1;
        } catch (Exception e) {
          return false;
        }
      }, java.time.Duration.ofSeconds(10), () -> "the start scan to want early_dlq");
    }
  }

  @Test
  void theStoreScanWantsEveryStoreWithTheQueueOn() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("scan-interval", "3s").build()) {
      TestingExtensions added = context.start();
      assertEquals(1, added.backgroundTasks().size());
      assertEquals(java.time.Duration.ofSeconds(3), added.backgroundTasks().get(0).interval());
      context.stores().put(new dev.venice.spi.host.StoreInfo("quiet", 1, 3, 1, "NO_OP", true,
          Map.of("plugins.dead-letter-queue.enabled", "true")));
      context.stores().put("plain", Map.of());
      added.backgroundTasks().get(0).run();
      JsonNode topics = JSON.readTree(added.endpoint("topics").handle(get()).body())
          .path("topics");
      assertEquals(1, topics.size(), topics.toString());
      assertEquals("quiet_dlq", topics.get(0).path("topic").asText());
    }
  }
}
