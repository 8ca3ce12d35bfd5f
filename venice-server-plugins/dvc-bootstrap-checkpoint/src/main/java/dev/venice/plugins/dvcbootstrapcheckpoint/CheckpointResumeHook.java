package dev.venice.plugins.dvcbootstrapcheckpoint;

import dev.venice.spi.davinci.DaVinciHook;
import dev.venice.spi.davinci.LocalCopy;
import dev.venice.spi.davinci.ResumeDecision;
import dev.venice.spi.davinci.VersionSwap;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The plugin's Da Vinci hook: vouches for a local copy found at subscription when its checkpoint
 * allows ({@link BootstrapCheckpointManager#decide}), and after a version swap checkpoints the new
 * version at once and deletes the older versions' checkpoints.
 */
final class CheckpointResumeHook implements DaVinciHook {
  private final BootstrapCheckpointManager manager;
  private final CheckpointTask task;
  private final DvcBootstrapCheckpointMetrics metrics;
  private final Logger logger;

  CheckpointResumeHook(BootstrapCheckpointManager manager, CheckpointTask task,
      DvcBootstrapCheckpointMetrics metrics, Logger logger) {
    this.manager = manager;
    this.task = task;
    this.metrics = metrics;
    this.logger = logger;
  }

  @Override
  public Optional<ResumeDecision> onLocalCopyFound(LocalCopy copy) {
    ResumeDecision decision = manager.decide(copy);
    if (decision.resume()) {
      metrics.resumed.increment();
      metrics.offsetsSkipped.increment(Math.max(0,
          copy.localOffset() + 1 - copy.topicStartOffset()));
    } else {
      metrics.startedOver.increment();
    }
    return Optional.of(decision);
  }

  @Override
  public void onVersionSwap(VersionSwap swap) {
    task.checkpoint(swap.store(), swap.toVersion());
    try {
      manager.deleteOlderThan(swap.store(), swap.toVersion());
    } catch (IOException e) {
      logger.warn("dvc-bootstrap-checkpoint: could not delete the checkpoints of store {} before"
          + " version {}: {}", swap.store(), swap.toVersion(), e.toString());
    }
  }
}
