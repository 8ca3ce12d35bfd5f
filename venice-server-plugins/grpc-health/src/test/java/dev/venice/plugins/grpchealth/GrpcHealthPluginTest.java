package dev.venice.plugins.grpchealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.ServingState;
import dev.venice.spi.rpc.RpcMethod;
import dev.venice.spi.rpc.RpcService;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: servers, routers and controllers get one RPC service,
 * {@code grpc.health.v1.Health} with unary Check and server-streaming Watch and nothing else; the
 * readiness service's name is checked.
 */
class GrpcHealthPluginTest extends PluginContractTest<GrpcHealthPlugin> {
  @Override
  protected GrpcHealthPlugin newPlugin() {
    return new GrpcHealthPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.SERVER, ProcessKind.ROUTER, ProcessKind.CONTROLLER);
  }

  /** A Check and a Watch of each service, and the process stopping (every meter is made at start). */
  @Override
  protected void exercise(GrpcHealthPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    HealthCalls health = new HealthCalls(extensions.rpcServices().get(0));
    for (String service : List.of("", "venice.readiness", "unknown")) {
      health.check(service);
      health.watch(service);
    }
    context.host().servingLifecycle().moveTo(ServingState.STOPPING, "test");
  }

  @Test
  void serversRoutersAndControllersGetTheHealthServiceOnly() throws Exception {
    for (ProcessKind kind : expectedProcessKinds()) {
      try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
          .processKind(kind).build()) {
        TestingExtensions added = context.start();
        assertEquals(1, added.rpcServices().size(), kind.id());
        RpcService service = added.rpcServices().get(0);
        assertEquals("grpc.health.v1.Health", service.name());
        assertEquals(Map.of("Check", RpcMethod.Type.UNARY, "Watch",
            RpcMethod.Type.SERVER_STREAMING), service.methods().stream()
            .collect(Collectors.toMap(RpcMethod::name, RpcMethod::type)), kind.id());
        assertTrue(added.readHooks().isEmpty() && added.requestHooks().isEmpty()
            && added.lifecycleHooks().isEmpty(), kind.id());
      }
    }
  }

  @Test
  void theReadinessServiceNeedsAName() {
    for (String bad : List.of("", "  ", " venice.readiness")) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> TestingPluginContext.builder(newPlugin()).config("readiness-service", bad)
              .build().start(), "'" + bad + "'");
      assertEquals("plugins.grpc-health.readiness-service", e.key());
    }
  }
}
