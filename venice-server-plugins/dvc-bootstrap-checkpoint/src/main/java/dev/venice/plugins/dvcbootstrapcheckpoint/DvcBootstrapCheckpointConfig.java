package dev.venice.plugins.dvcbootstrapcheckpoint;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.dvc-bootstrap-checkpoint.*}.
 *
 * @param directory where checkpoint files go (one folder per store)
 * @param interval the delay between two checkpoints of every local partition
 */
record DvcBootstrapCheckpointConfig(Path directory, Duration interval) {
  static final ConfigKey<String> DIRECTORY = ConfigKey.string("directory", null,
      "the folder of the checkpoint files (required; keep it beside the Da Vinci client's data"
          + " path, on the same machine)").processOnly();
  static final ConfigKey<Duration> INTERVAL = ConfigKey.duration("interval",
      Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1),
      "the delay between two checkpoints of every local partition (each flushes the partition's"
          + " memory tables to disk first); a checkpoint also follows every version swap")
      .processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(DIRECTORY, INTERVAL);

  /**
   * Reads and checks the settings.
   *
   * @throws ConfigException naming {@code plugins.dvc-bootstrap-checkpoint.directory} when it is
   *     missing or blank
   */
  static DvcBootstrapCheckpointConfig from(PluginConfig config) {
    String directory = config.get(DIRECTORY);
    if (directory == null || directory.isBlank()) {
      throw new ConfigException("plugins.dvc-bootstrap-checkpoint.directory",
          "plugins.dvc-bootstrap-checkpoint.directory is required: the folder where the"
              + " checkpoint files go");
    }
    return new DvcBootstrapCheckpointConfig(Path.of(directory), config.get(INTERVAL));
  }
}
