package dev.venice.runtime.controller;

import dev.venice.runtime.common.config.ProcessMain;

/**
 * Runs a controller from a properties file: {@code java ... ControllerMain controller.properties}.
 * The same code runs against external ZooKeeper and Kafka clusters; see {@link ControllerConfig}
 * for the keys.
 */
public final class ControllerMain {
  private ControllerMain() {}

  /** Starts a controller and runs until the JVM is asked to stop. */
  public static void main(String[] args) throws Exception {
    ProcessMain.run("controller", args, VeniceController::start);
  }
}
