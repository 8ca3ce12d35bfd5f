package dev.venice.it;

import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.LeadershipChange;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A controller plugin for {@link ControllerHostTest}, on every controller's class path (off unless
 * {@code plugins.test-leadership-probe.enabled=true}): it appends each leadership change it hears
 * to its state store under {@code events} as {@code gained|lost <instance> <termZxid>}, and keeps
 * each controller's {@link ControllerHost} so a test can use it as the plugin does.
 */
public final class LeadershipProbePlugin implements VenicePlugin {
  /** The plugin id. */
  public static final String ID = "test-leadership-probe";
  /** Controller services by instance id, as each started instance of the plugin received them. */
  public static final Map<String, ControllerHost> HOSTS = new ConcurrentHashMap<>();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor(ID, "1.0.0", "[1.6,2.0)", "records leadership changes",
        EnumSet.of(ProcessKind.CONTROLLER));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    ControllerHost controller = context.controller().orElseThrow(
        () -> new IllegalStateException("a controller plugin without controller services"));
    HOSTS.put(context.host().instanceId(), controller);
    controller.onLeadershipChange(change -> controller.stateStore().append("events",
        describe(change).getBytes(StandardCharsets.UTF_8)));
  }

  private static String describe(LeadershipChange change) {
    return (change.leader() ? "gained " : "lost ") + change.instanceId() + " "
        + change.termZxid();
  }
}
