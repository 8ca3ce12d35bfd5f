package dev.venice.spi.davinci;

import dev.venice.spi.Experimental;
import java.util.Optional;

/**
 * A Da Vinci client's hook, added with {@link dev.venice.spi.plugin.Extensions#addDaVinciHook}.
 * The client calls it on its control thread (one at a time, in plugin order); a hook that throws
 * is counted and skipped as having no opinion. Implementations must be thread-safe against their
 * own background tasks.
 *
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public interface DaVinciHook {
  /**
   * Whether a partition being subscribed may resume from the local copy an earlier run left in the
   * client's data directory, instead of starting over from the beginning of its version topic.
   * Asked only when such a copy exists. The client resumes when at least one hook says resume and
   * none says start over; with no opinion from any hook it starts over (deleting the copy), since
   * nothing vouches for the copy being whole and belonging to this topic. A resumed partition
   * continues from the copy's own last applied offset ({@link LocalCopy#localOffset()}).
   *
   * @param copy the local copy and the version topic's current state
   * @return a decision with its reason (logged), or empty for no opinion
   */
  default Optional<ResumeDecision> onLocalCopyFound(LocalCopy copy) {
    return Optional.empty();
  }

  /**
   * The client swapped reads from one version of a store to another: every subscribed partition of
   * {@code swap.toVersion()} has caught up, and the old version's local copies are deleted.
   */
  default void onVersionSwap(VersionSwap swap) {}
}
