package dev.venice.it;

import dev.venice.spi.host.HostServices;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A plugin for the cluster-view tests, on the class path of every controller, router and server
 * of the local cluster: {@code GET /plugins/test-cluster-echo/} answers the process's instance id
 * and kind; {@code GET /plugins/test-cluster-echo/slow} does the same, except on the instance named
 * in {@link #slowInstance}, which answers only once {@link #release} is counted down. It also keeps
 * each process's host services, so a test can use a process's cluster view as a plugin sees it.
 */
public final class ClusterEchoPlugin implements VenicePlugin {
  /** The plugin id. */
  public static final String ID = "test-cluster-echo";
  /** Host services by instance id, as each started instance of the plugin received them. */
  public static final Map<String, HostServices> HOSTS = new ConcurrentHashMap<>();
  /** The instance whose {@code slow} endpoint waits for {@link #release}; null for none. */
  public static volatile String slowInstance;
  /** Lets the slow instance answer. */
  public static volatile CountDownLatch release = new CountDownLatch(0);

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor(ID, "1.0.0", "[1.1,2.0)", "answers who it is",
        EnumSet.of(ProcessKind.CONTROLLER, ProcessKind.ROUTER, ProcessKind.SERVER));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    HostServices host = context.host();
    HOSTS.put(host.instanceId(), host);
    String body = "{\"instanceId\":\"" + host.instanceId() + "\",\"kind\":\""
        + host.processKind() + "\"}";
    extensions.addHttpEndpoint(new PluginHttpEndpoint() {
      @Override
      public String path() {
        return "";
      }

      @Override
      public PluginHttpResponse handle(PluginHttpRequest request) {
        return PluginHttpResponse.json(200, body);
      }
    });
    extensions.addHttpEndpoint(new PluginHttpEndpoint() {
      @Override
      public String path() {
        return "slow";
      }

      @Override
      public PluginHttpResponse handle(PluginHttpRequest request) throws InterruptedException {
        if (host.instanceId().equals(slowInstance)) {
          release.await(30, TimeUnit.SECONDS);
        }
        return PluginHttpResponse.json(200, body);
      }
    });
  }
}
