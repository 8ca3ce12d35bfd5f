package dev.venice.runtime.server;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.spi.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs a storage server from a properties file: {@code ServerMain server.properties}. */
public final class ServerMain {
  private ServerMain() {}

  /** Starts a server and runs until the JVM is asked to stop. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ServerMain <server.properties>");
      System.exit(2);
    }
    VeniceServer server;
    try {
      server = VeniceServer.start(ProcessConfig.load(Path.of(args[0])));
    } catch (ConfigException e) {
      System.err.println(args[0] + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "server-shutdown"));
    System.out.println("server " + server.instanceId() + " admin at " + server.adminUrl());
    stopped.await();
  }
}
