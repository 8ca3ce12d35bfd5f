package dev.venice.it;

import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A router and server plugin for the integration tests, found on the test class path: its request
 * hook records each call it sees and how it ended, and asks that the calls a process makes on a
 * call's behalf carry {@code x-via: <process kind>} (what a tracing plugin does with its span's
 * {@code traceparent}).
 */
public final class RequestRecorderPlugin implements VenicePlugin {
  /** One call as a hook saw it, with the process kind that saw it and how it ended. */
  public record Seen(String process, InboundRequest request, RequestEnd end) {}

  /** Every ended call, in the order they ended. */
  public static final Queue<Seen> SEEN = new ConcurrentLinkedQueue<>();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-request-recorder", "1.0.0", "[1.3,2.0)",
        "records read calls as request hooks see them", Set.of(ProcessKind.SERVER,
            ProcessKind.ROUTER));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    String process = context.host().processKind();
    extensions.addRequestHook(request -> new RequestScope() {
      @Override
      public Map<String, String> outgoingHeaders() {
        return Map.of("x-via", process);
      }

      @Override
      public void onEnd(RequestEnd end) {
        SEEN.add(new Seen(process, request, end));
      }
    });
  }
}
