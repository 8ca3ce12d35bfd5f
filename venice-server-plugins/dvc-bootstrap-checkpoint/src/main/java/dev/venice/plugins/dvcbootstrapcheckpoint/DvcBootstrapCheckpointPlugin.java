package dev.venice.plugins.dvcbootstrapcheckpoint;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.davinci.LocalPartitions;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code dvc-bootstrap-checkpoint} Da Vinci client plugin, wiring only: its descriptor, its
 * keys ({@link DvcBootstrapCheckpointConfig}) and, at start, the {@link CheckpointTask} writing
 * checkpoints through the {@link BootstrapCheckpointManager} and the {@link CheckpointResumeHook}
 * deciding, from them, whether a local copy may resume.
 */
public final class DvcBootstrapCheckpointPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("dvc-bootstrap-checkpoint", "1.0.0", "[1.8,2.0)",
        "checkpoints a Da Vinci client's local partitions so a restart resumes its bootstrap",
        Set.of(ProcessKind.DA_VINCI_CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return DvcBootstrapCheckpointConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) throws ConfigException {
    DvcBootstrapCheckpointConfig.from(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    DvcBootstrapCheckpointConfig config = context.storeSettings(DvcBootstrapCheckpointConfig::from)
        .processWide();
    Optional<LocalPartitions> local = context.host().localPartitions();
    if (local.isEmpty()) {
      context.logger().warn("dvc-bootstrap-checkpoint: this host has no local partitions (it is"
          + " not a Da Vinci client): nothing to checkpoint");
      return;
    }
    BootstrapCheckpointManager manager = new BootstrapCheckpointManager(config.directory(),
        context.time());
    DvcBootstrapCheckpointMetrics metrics = new DvcBootstrapCheckpointMetrics(
        context.meterRegistry(), context.metricPrefix());
    CheckpointTask task = new CheckpointTask(local.get(), manager, metrics, config.interval(),
        context.logger());
    extensions.addBackgroundTask(task)
        .addDaVinciHook(new CheckpointResumeHook(manager, task, metrics, context.logger()));
  }
}
