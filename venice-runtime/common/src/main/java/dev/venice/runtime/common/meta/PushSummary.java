package dev.venice.runtime.common.meta;

/**
 * One push as {@code GET /pushes} lists it: a row of {@code venice watch-pushes}.
 *
 * @param store the store
 * @param version the version the push creates
 * @param status the version's status ({@code STARTED} while the push is in progress)
 * @param startedAtMs when the push started (epoch ms, the controller's clock)
 * @param partitionCount the version's partitions
 * @param completedPartitions partitions with every replica ingested ({@code COMPLETED})
 * @param progressPercent {@code 100 * completedPartitions / partitionCount}
 * @param progress the push job's last progress report with its ETA; null when it sent none or
 *     the push ended
 */
public record PushSummary(String store, int version, VersionStatus status, long startedAtMs,
    int partitionCount, int completedPartitions, double progressPercent,
    PushProgressReport progress) {}
