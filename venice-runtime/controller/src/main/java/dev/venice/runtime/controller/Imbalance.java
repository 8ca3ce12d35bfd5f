package dev.venice.runtime.controller;

import java.util.Collection;

/**
 * How unevenly a load (leaders, or replicas) is spread over servers: the mean, the population
 * standard deviation and their ratio, the imbalance score (the coefficient of variation; seed
 * projects 16 and 33 call it "standard deviation / mean").
 *
 * <p>A score of 0 is a perfectly even spread. With no load at all (mean 0) or no servers the score
 * is 0: there is nothing to move. The score does not depend on the scale of the load, so one
 * threshold fits stores of 4 and of 1,000 partitions; note that a load that does not divide evenly
 * cannot reach 0 (2 leaders on 3 servers: 0.71 at best).
 *
 * @param servers how many servers the load was counted on (those with none included)
 * @param mean load per server
 * @param stddev population standard deviation of the load per server
 * @param score {@code stddev / mean}, 0 when the mean is 0
 */
public record Imbalance(int servers, double mean, double stddev, double score) {
  /** The imbalance of one count per server (a server with no load must be in it, as 0). */
  public static Imbalance of(Collection<? extends Number> loadPerServer) {
    int n = loadPerServer.size();
    if (n == 0) {
      return new Imbalance(0, 0, 0, 0);
    }
    double mean = loadPerServer.stream().mapToDouble(Number::doubleValue).sum() / n;
    double variance = loadPerServer.stream().mapToDouble(Number::doubleValue)
        .map(x -> (x - mean) * (x - mean)).sum() / n;
    double stddev = Math.sqrt(variance);
    return new Imbalance(n, mean, stddev, mean == 0 ? 0 : stddev / mean);
  }
}
