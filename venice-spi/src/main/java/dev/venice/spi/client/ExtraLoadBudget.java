package dev.venice.spi.client;

import dev.venice.spi.Experimental;
import java.time.Duration;

/**
 * One store's budget of <em>extra</em> load on servers, in keys, shared by every replica-level
 * decorator that sends a second request for work already in flight (a hedge, a long-tail retry). A
 * hedged batch of 400 keys costs 400, so a few hedged large batches cannot add more key load than
 * the budget allows; counting requests instead lets them (the flaw Finagle's and gRPC's per-call
 * retry budgets share; Venice caps batch retries by key count for the same reason).
 *
 * <p>The host counts the load the budget is a fraction of: every partition request's keys on its
 * first attempt (failover to another replica after a failure is not extra load). A decorator asks
 * with {@link #tryAcquire} just before it sends the extra request and sends it only on {@code true};
 * nothing is given back, whoever wins the race. Decorators get the budget from {@link
 * dev.venice.spi.host.HostServices#extraLoadBudget(String)}; the host's documentation names its
 * settings (the fraction, the window it is measured over, the delay floor).
 *
 * <p>Cooperation without knowing each other: the budget is the only thing hedging and long-tail
 * retry share. Which replica the extra request goes to follows from {@link DecoratorOrder}: the
 * candidates a decorator sees are already ordered by adaptive selection and stripped of replicas
 * whose circuit breaker is open, so taking the next candidate is the best other choice with any
 * subset of those plugins on.
 *
 * <p>Implementations are thread-safe and called on request and timer threads; neither method
 * blocks.
 *
 * @since 1.3.0
 */
@Experimental(since = "1.3.0")
public interface ExtraLoadBudget {
  /**
   * Takes {@code keys} from the budget if all of them fit.
   *
   * @param keys the keys the extra request carries, at least 1
   * @return whether the extra request may be sent; {@code false} leaves the budget unchanged
   * @throws IllegalArgumentException if {@code keys} is less than 1
   */
  boolean tryAcquire(int keys);

  /**
   * The shortest delay after the first attempt at which an extra request may be sent: a decorator
   * configured with a shorter delay waits this long instead, so a mistaken delay of zero cannot
   * double the load before the budget reacts.
   *
   * @return the floor, zero or positive
   */
  Duration minDelay();
}
