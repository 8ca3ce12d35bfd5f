package dev.venice.it;

import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.LifecycleHook;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.spi.server.DeadLetterRecord;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.IngestionStage;
import dev.venice.spi.server.IngestionVerdict;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A server plugin for the integration tests, found on the test class path: its read hook answers
 * "absent" for keys containing {@code blocked-} and records the {@code traceparent} header; its
 * ingestion hook rejects records whose key contains {@code reject-} and records the values it saw;
 * its lifecycle hook records the order of events.
 */
public final class ProbePlugin implements VenicePlugin {
  /** Headers and outcomes seen by the read hook. */
  public static final Queue<String> TRACEPARENTS = new ConcurrentLinkedQueue<>();
  /** Read outcomes seen by the after-hook. */
  public static final Queue<ReadOutcome> OUTCOMES = new ConcurrentLinkedQueue<>();
  /** Decompressed values seen by the ingestion hook, as text. */
  public static final Queue<String> INGESTED = new ConcurrentLinkedQueue<>();
  /** Lifecycle events, in order. */
  public static final Queue<String> LIFECYCLE = new ConcurrentLinkedQueue<>();
  /** Records the server dead-lettered, as the hook received them. */
  public static final Queue<DeadLetterRecord> DEAD_LETTERS = new ConcurrentLinkedQueue<>();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-probe", "1.1.0", "[1.1,2.0)", "records what hooks see",
        Set.of(ProcessKind.SERVER, ProcessKind.ROUTER));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addReadHook(new ReadHook() {
      @Override
      public ReadDecision beforeRead(ReadRequest request) {
        request.headers().entrySet().stream().filter(e -> e.getKey().equals("traceparent"))
            .forEach(e -> TRACEPARENTS.add(e.getValue()));
        return text(request.key()).contains("blocked-") ? ReadDecision.ABSENT
            : ReadDecision.PROCEED;
      }

      @Override
      public void afterRead(ReadRequest request, ReadOutcome outcome) {
        OUTCOMES.add(outcome);
      }
    });
    extensions.addIngestionHook(new IngestionRecordHook() {
      @Override
      public IngestionVerdict beforeApply(IngestionRecord record) {
        if (record.timings().nanos(IngestionStage.DECODE) < 0) {
          throw new IllegalStateException("decode time missing");
        }
        return text(record.key()).contains("reject-")
            ? IngestionVerdict.reject("key asks to be rejected") : IngestionVerdict.ACCEPT;
      }

      @Override
      public void onDeadLetter(DeadLetterRecord record) {
        DEAD_LETTERS.add(record);
      }

      @Override
      public void afterApply(IngestionRecord record) {
        if (record.value() != null && record.timings().nanos(IngestionStage.APPLY) >= 0) {
          INGESTED.add(text(record.value()));
        }
      }
    });
    extensions.addLifecycleHook(new LifecycleHook() {
      @Override
      public void onStart() {
        LIFECYCLE.add("start");
      }

      @Override
      public void onReady() {
        LIFECYCLE.add("ready");
      }

      @Override
      public void onDrain() {
        LIFECYCLE.add("drain");
      }

      @Override
      public void onStop() {
        LIFECYCLE.add("stop");
      }
    });
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static List<String> lifecycle() {
    return List.copyOf(LIFECYCLE);
  }
}
