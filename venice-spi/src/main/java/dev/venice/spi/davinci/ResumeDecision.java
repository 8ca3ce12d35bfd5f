package dev.venice.spi.davinci;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * A {@link DaVinciHook}'s answer about a local copy.
 *
 * @param resume true to resume from the copy, false to start over
 * @param reason why, for the client's log line (e.g. "checkpoint of version 3 at offset 1200")
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public record ResumeDecision(boolean resume, String reason) {
  /** Checks the reason. */
  public ResumeDecision {
    Objects.requireNonNull(reason, "reason");
  }

  /** Resume from the local copy, because {@code reason}. */
  public static ResumeDecision resume(String reason) {
    return new ResumeDecision(true, reason);
  }

  /** Start over from the beginning of the version topic, because {@code reason}. */
  public static ResumeDecision startOver(String reason) {
    return new ResumeDecision(false, reason);
  }
}
