package dev.venice.runtime.controller;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.spi.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a controller from a properties file: {@code java ... ControllerMain controller.properties}.
 * The same code runs against external ZooKeeper and Kafka clusters; see {@link ControllerConfig}
 * for the keys.
 */
public final class ControllerMain {
  private ControllerMain() {}

  /** Starts a controller and runs until the JVM is asked to stop. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ControllerMain <controller.properties>");
      System.exit(2);
    }
    VeniceController controller;
    try {
      controller = VeniceController.start(ProcessConfig.load(Path.of(args[0])));
    } catch (ConfigException e) {
      System.err.println(args[0] + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      controller.close();
      stopped.countDown();
    }, "controller-shutdown"));
    System.out.println("controller of cluster " + controller.cluster() + " at " + controller.url());
    stopped.await();
  }
}
