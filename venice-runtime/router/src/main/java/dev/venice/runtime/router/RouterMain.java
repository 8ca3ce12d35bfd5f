package dev.venice.runtime.router;

import dev.venice.runtime.common.config.ProcessMain;

/** Runs a router from a properties file: {@code RouterMain router.properties}. */
public final class RouterMain {
  private RouterMain() {}

  /** Starts a router and runs until the JVM is asked to stop. */
  public static void main(String[] args) throws Exception {
    ProcessMain.run("router", args, VeniceRouter::start);
  }
}
