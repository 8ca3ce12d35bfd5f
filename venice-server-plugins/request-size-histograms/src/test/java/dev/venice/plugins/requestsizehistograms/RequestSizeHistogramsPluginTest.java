package dev.venice.plugins.requestsizehistograms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one object is both the request hook and the read hook. */
class RequestSizeHistogramsPluginTest extends PluginContractTest<RequestSizeHistogramsPlugin> {
  @Override
  protected RequestSizeHistogramsPlugin newPlugin() {
    return new RequestSizeHistogramsPlugin();
  }

  /** A batch get of two keys (one found), so every meter is created. */
  @Override
  protected void exercise(RequestSizeHistogramsPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    Map<String, String> headers = Map.of("user-agent", "test");
    for (RequestKind kind : RequestKind.values()) {
      var scope = extensions.requestHooks().get(0).onRequest(new InboundRequest("m", kind,
          "users", 1, 0, 2, headers));
      extensions.readHooks().get(0).afterRead(new ReadRequest("users", 1, 0, new byte[] {1},
          headers), new ReadOutcome(true, 10, 1000, false));
      scope.onEnd(new RequestEnd(0, "OK", ""));
    }
  }

  @Test
  void oneHookPlaysBothRoles() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions extensions = context.start();
      assertEquals(1, extensions.requestHooks().size());
      assertEquals(1, extensions.readHooks().size());
      assertSame(extensions.requestHooks().get(0), extensions.readHooks().get(0));
    }
  }
}
