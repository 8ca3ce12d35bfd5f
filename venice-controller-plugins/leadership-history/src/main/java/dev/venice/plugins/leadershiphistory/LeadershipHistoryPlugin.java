package dev.venice.plugins.leadershiphistory;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code leadership-history} controller plugin, wiring only: its descriptor, its keys ({@link
 * LeadershipHistoryConfig}) and, at start, the {@link LeadershipRecorder} listening to the host's
 * leadership changes, writing to the {@link LeadershipHistory} in the plugin's ZooKeeper state,
 * and the {@link LeadershipHistoryEndpoint} serving it.
 */
public final class LeadershipHistoryPlugin implements VenicePlugin {
  private LeadershipRecorder recorder;
  private Subscription subscription;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("leadership-history", "1.0.0", "[1.6,2.0)",
        "every gain and loss of the controller leadership, kept in ZooKeeper, with metrics",
        Set.of(ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return LeadershipHistoryConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    ControllerHost controller = context.controller().orElseThrow(() -> new IllegalStateException(
        "leadership-history needs a controller host with SPI 1.6 controller services"));
    LeadershipHistory history = new LeadershipHistory(controller.stateStore(),
        LeadershipHistoryConfig.from(context.config()).maxEvents());
    recorder = new LeadershipRecorder(history,
        new LeadershipHistoryMetrics(context.meterRegistry(), context.metricPrefix()),
        context.logger());
    subscription = controller.onLeadershipChange(recorder);
    extensions.addHttpEndpoint(new LeadershipHistoryEndpoint(history, controller,
        context.host().clusterName()));
  }

  @Override
  public void stop() throws Exception {
    if (subscription != null) {
      subscription.close();
    }
    if (recorder != null) {
      recorder.close(); // a loss told as the controller stopped is still written
    }
  }
}
