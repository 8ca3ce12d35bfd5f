package dev.venice.plugins.batchsplit;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The decorator's settings, process-wide under {@code plugins.batch-split.*} and per store in the
 * store's plugin settings. There is no rule across keys.
 *
 * @param maxKeysPerSubBatch the most keys one batch get sends to the client below; larger batch
 *     gets are split
 */
record BatchSplitConfig(int maxKeysPerSubBatch) {
  /** The largest sub-batch a store may ask for; far above any server's per-request limit. */
  static final int LARGEST_SUB_BATCH = 1_000_000;

  static final ConfigKey<Integer> MAX_KEYS_PER_SUB_BATCH = ConfigKey.integer(
      "max-keys-per-sub-batch", 150, 1, LARGEST_SUB_BATCH,
      "batch gets with more keys are split into parallel sub-batches of at most this many keys");
  static final List<ConfigKey<?>> KEYS = List.of(MAX_KEYS_PER_SUB_BATCH);

  static BatchSplitConfig from(PluginConfig config) {
    return new BatchSplitConfig(config.get(MAX_KEYS_PER_SUB_BATCH));
  }
}
