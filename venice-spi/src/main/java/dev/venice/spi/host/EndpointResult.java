package dev.venice.spi.host;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * One member's answer to a {@link ClusterView#callPlugin} call: its HTTP status and body, or why
 * there is none.
 *
 * @param member the member called
 * @param status the HTTP status, or {@code 0} when no answer came (see {@code error})
 * @param body the response body (UTF-8), empty when no answer came
 * @param error {@code null} when an answer came (whatever its status); otherwise why not, e.g.
 *     "timed out after 2000 ms" or "connection refused"
 * @since 1.1.0
 */
@Experimental(since = "1.1.0")
public record EndpointResult(ClusterMember member, int status, String body, String error) {
  /** Checks the required fields. */
  public EndpointResult {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(body, "body");
  }

  /** Whether the member answered with a 2xx status. */
  public boolean ok() {
    return error == null && status >= 200 && status < 300;
  }
}
