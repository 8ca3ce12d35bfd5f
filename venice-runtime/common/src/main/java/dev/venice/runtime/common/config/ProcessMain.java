package dev.venice.runtime.common.config;

import dev.venice.runtime.common.process.RunningProcess;
import dev.venice.spi.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code main} of every Venice process: read a properties file, start, run until the JVM is
 * asked to stop (then close: drain and stop) or the process stopped by itself (then exit 0). A bad configuration exits with status 2 and a line naming the file
 * and key.
 */
public final class ProcessMain {
  /** Starts a process from its configuration. */
  @FunctionalInterface
  public interface Starter {
    /** Starts the process. */
    RunningProcess start(Map<String, String> config) throws Exception;
  }

  private ProcessMain() {}

  /**
   * Runs {@code starter} with the properties file {@code args[0]}.
   *
   * @param process the process kind, for messages ("controller")
   */
  public static void run(String process, String[] args, Starter starter) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: " + process + " <" + process + ".properties>");
      System.exit(2);
    }
    RunningProcess running;
    try {
      running = starter.start(ProcessConfig.load(Path.of(args[0])));
    } catch (ConfigException e) {
      System.err.println(args[0] + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }, process + "-shutdown"));
    System.out.println(process + " started from " + args[0] + "; stop it with SIGTERM or Ctrl-C");
    // a process may also stop by itself (POST /plugins/graceful-drain/drain): the JVM exits then
    running.stopped().thenRun(stopped::countDown);
    stopped.await();
    if (running.stopped().isDone()) {
      System.exit(0); // the shutdown hook's close is then a no-op
    }
  }
}
