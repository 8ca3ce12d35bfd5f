package dev.venice.runtime.common.plugin;

import dev.venice.spi.server.DeadLetterMessage;
import dev.venice.spi.server.DeadLetterRecord;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.IngestionVerdict;
import dev.venice.spi.server.LeaderBatch;
import dev.venice.spi.server.PartitionEvent;
import java.util.Optional;

/**
 * The started plugins' ingestion-record hooks. A hook that throws counts as {@link
 * IngestionVerdict#ACCEPT}: a broken plugin must not divert good records to the dead-letter path.
 * A rejection's reason is prefixed with the rejecting plugin's id.
 */
public final class IngestionHooks {
  private final Hooks<IngestionRecordHook> hooks;

  IngestionHooks(Hooks<IngestionRecordHook> hooks) {
    this.hooks = hooks;
  }

  /**
   * The hooks of the plugins that are on for {@code store} (all of them for a {@code null} store).
   * Cheap: a cached lookup, re-checked only after a store's plugin settings change.
   */
  public IngestionHooks forStore(String store) {
    return hooks.forStore(store, this, IngestionHooks::new);
  }

  /** Whether no plugin added an ingestion hook. */
  public boolean isEmpty() {
    return hooks.isEmpty();
  }

  /** Runs the before-hooks; the first rejection wins. */
  public IngestionVerdict beforeApply(IngestionRecord record) {
    return hooks.first("ingestion.before", record, IngestionRecordHook::beforeApply,
        IngestionVerdict.ACCEPT, IngestionVerdict::rejected,
        (plugin, verdict) -> IngestionVerdict.reject(plugin + ": " + verdict.reason()));
  }

  /** Runs every after-hook. */
  public void afterApply(IngestionRecord record) {
    hooks.each("ingestion.after", record, null, (hook, r, unused) -> hook.afterApply(r));
  }

  /**
   * The message the first hook that keeps dead letters makes of {@code record}; empty when none
   * does (a hook that throws keeps nothing and is counted).
   */
  public Optional<DeadLetterMessage> deadLetterMessage(DeadLetterRecord record) {
    return hooks.first("ingestion.dead-letter-message", record,
        IngestionRecordHook::deadLetterMessage, Optional.empty(), Optional::isPresent,
        (plugin, message) -> message);
  }

  /** Tells every hook a hybrid leader committed a batch of real-time copies. */
  public void afterLeaderBatch(LeaderBatch batch) {
    hooks.each("ingestion.leader-batch", batch, null, (hook, b, unused) -> hook.afterLeaderBatch(b));
  }

  /** Hands a record that took the dead-letter path to every hook. */
  public void deadLetter(DeadLetterRecord record) {
    hooks.each("ingestion.dead-letter", record, null, (hook, r, unused) -> hook.onDeadLetter(r));
  }

  /** Tells every hook a partition replica opened. */
  public void partitionOpened(PartitionEvent event) {
    hooks.each("ingestion.opened", event, null, (hook, e, unused) -> hook.onPartitionOpened(e));
  }

  /** Tells every hook a partition replica reached end-of-push. */
  public void endOfPush(PartitionEvent event) {
    hooks.each("ingestion.end-of-push", event, null, (hook, e, unused) -> hook.onEndOfPush(e));
  }

  /** Tells every hook a partition replica closed. */
  public void partitionClosed(PartitionEvent event) {
    hooks.each("ingestion.closed", event, null, (hook, e, unused) -> hook.onPartitionClosed(e));
  }
}
