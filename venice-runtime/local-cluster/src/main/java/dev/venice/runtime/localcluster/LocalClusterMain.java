package dev.venice.runtime.localcluster;

import java.util.concurrent.CountDownLatch;

/** Runs a local cluster until Ctrl-C, printing its endpoints. */
public final class LocalClusterMain {
  private LocalClusterMain() {}

  /** Starts the cluster; {@code args[0]}, if given, is the number of controllers. */
  public static void main(String[] args) throws Exception {
    int controllers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    LocalCluster cluster = LocalCluster.builder().controllers(controllers).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.close();
      stopped.countDown();
    }, "local-cluster-shutdown"));
    System.out.println("cluster     " + cluster.clusterName());
    System.out.println("zookeeper   " + cluster.zooKeeperAddress());
    System.out.println("kafka       " + cluster.kafkaBootstrapServers());
    cluster.controllers().forEach(c -> System.out.println("controller  " + c.url()
        + (c.isLeader() ? "  (leader)" : "")));
    System.out.println("Ctrl-C stops the cluster.");
    stopped.await();
  }
}
