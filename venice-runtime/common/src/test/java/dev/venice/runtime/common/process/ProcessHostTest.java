package dev.venice.runtime.common.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.common.metrics.ProcessMetrics;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginJars;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.ServingState;
import dev.venice.spi.plugin.Readiness;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one start and stop sequence every process runs, seen from a plugin and the process. */
public class ProcessHostTest {
  /** What happened, in order; the plugin (in its own class loader) writes here too. */
  public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  private static final String PLUGIN = """
      package fixture.order;

      import dev.venice.runtime.common.process.ProcessHostTest;
      import dev.venice.spi.plugin.*;

      public final class OrderPlugin implements VenicePlugin {
        public PluginDescriptor descriptor() {
          return new PluginDescriptor("order", "1.0.0", "[1.1,2.0)", "records the lifecycle",
              java.util.Set.of(ProcessKind.SERVER));
        }

        public void start(PluginContext context, Extensions extensions) {
          ProcessHostTest.EVENTS.add("plugin start");
          extensions.addLifecycleHook(new LifecycleHook() {
            public void onStart() { ProcessHostTest.EVENTS.add("plugin onStart"); }
            public void onReady() { ProcessHostTest.EVENTS.add("plugin onReady"); }
            public void onDrain() { ProcessHostTest.EVENTS.add("plugin onDrain"); }
            public void onStop() { ProcessHostTest.EVENTS.add("plugin onStop"); }
          });
        }

        public void stop() {
          ProcessHostTest.EVENTS.add("plugin stop");
        }
      }
      """;

  @TempDir Path work;
  private URLClassLoader classPath;

  @BeforeEach
  void compilePlugin() throws Exception {
    EVENTS.clear();
    Path jar = work.resolve("order.jar");
    PluginJars.compiledPlugin(jar, Map.of("fixture.order.OrderPlugin", PLUGIN), List.of(),
        "fixture.order.OrderPlugin");
    classPath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
  }

  @AfterEach
  void closeLoader() throws Exception {
    classPath.close();
  }

  private static ProcessHost host(int adminPort) {
    return new ProcessHost(ProcessKind.SERVER, ProcessConfig.of("server",
        ProcessKeys.EVERY_PROCESS, Set.of(), Map.of("plugins.order.enabled", "true",
            "admin.port", Integer.toString(adminPort))), new ProcessMetrics());
  }

  @Test
  void startsAndStopsInOneOrder() throws Exception {
    ProcessHost host = host(0);
    host.closeAfterPlugins("metadata client", null, () -> EVENTS.add("close metadata client"));
    host.startPlugins(BasicHostServices.minimal("server", "s_1", "c"), classPath, id -> null);
    host.closeBeforePlugins("read service", null, () -> EVENTS.add("close read service"));
    host.serveAdmin(() -> Readiness.READY, null, routes -> EVENTS.add("admin routes"));
    host.lifecycle().subscribe(state -> EVENTS.add("state " + state));
    host.onDrain("routing", () -> EVENTS.add("withdraw from routing"));
    host.ready(new Membership() {
      @Override
      public void register(ClusterMember self) {
        EVENTS.add("register " + self.instanceId());
      }

      @Override
      public void deregister() {
        EVENTS.add("deregister");
      }
    }, new ClusterMember("s_1", ProcessKind.SERVER, "http://s", "s:1"));
    host.lifecycle().moveTo(ServingState.READY, "");
    host.close();
    host.close(); // runs once
    assertTrue(host.stopped().isDone());
    assertEquals(List.of("plugin start", "admin routes", "plugin onStart", "state STARTING",
        "register s_1", "plugin onReady", "state READY", "state DRAINING",
        "withdraw from routing", "plugin onDrain", "state STOPPING", "deregister",
        "close read service", "plugin onStop", "plugin stop", "close metadata client"), EVENTS);
  }

  @Test
  void aStopRequestedWhileStartingRunsOnAThreadOfItsOwnOnceStarted() throws Exception {
    ProcessHost host = host(0);
    host.startPlugins(BasicHostServices.minimal("server", "s_1", "c"), classPath, id -> null);
    host.serveAdmin(() -> Readiness.READY, null, routes -> { });
    host.lifecycle().requestStop();
    assertFalse(host.stopped().isDone(), "the start is not interrupted");
    host.ready(new Membership() {
      @Override
      public void register(ClusterMember self) {}

      @Override
      public void deregister() {
        EVENTS.add("deregister");
      }
    }, new ClusterMember("s_1", ProcessKind.SERVER, "http://s", "s:1"));
    host.stopped().get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(EVENTS.contains("deregister"));
    assertEquals(ServingState.STOPPING, host.lifecycle().state());
    host.lifecycle().requestStop(); // a second request does nothing
  }

  @Test
  void aFailedStartUndoesOnlyWhatWasDone() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      ProcessHost host = host(taken.getLocalPort());
      host.closeAfterPlugins("metadata client", null, () -> EVENTS.add("close metadata client"));
      host.startPlugins(BasicHostServices.minimal("server", "s_1", "c"), classPath, id -> null);
      host.closeBeforePlugins("failing part", null, () -> {
        throw new IllegalStateException("a part that fails to close");
      });
      assertThrows(Exception.class, () -> host.serveAdmin(() -> Readiness.READY, null,
          routes -> { }), "the admin port is taken");
      host.close();
    }
    assertEquals(List.of("plugin start", "plugin stop", "close metadata client"), EVENTS,
        "no onStart, onReady, onDrain or onStop; every step after a failing one still runs");
  }

  @Test
  void servicesOfAnotherKindAreRefused() {
    ProcessHost host = host(0);
    assertThrows(IllegalArgumentException.class, () -> host.startPlugins(
        BasicHostServices.minimal("router", "r", "c"), classPath, id -> null));
    host.close();
  }
}
