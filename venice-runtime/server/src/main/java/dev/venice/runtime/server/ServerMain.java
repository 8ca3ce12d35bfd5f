package dev.venice.runtime.server;

import dev.venice.runtime.common.config.ProcessMain;

/** Runs a storage server from a properties file: {@code ServerMain server.properties}. */
public final class ServerMain {
  private ServerMain() {}

  /** Starts a server and runs until the JVM is asked to stop. */
  public static void main(String[] args) throws Exception {
    ProcessMain.run("server", args, VeniceServer::start);
  }
}
