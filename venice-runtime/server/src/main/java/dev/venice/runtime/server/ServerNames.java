package dev.venice.runtime.server;

import java.util.regex.Pattern;

/** Name checks the server applies before using a name in a ZooKeeper path or file path. */
final class ServerNames {
  private static final Pattern STORE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  private ServerNames() {}

  static boolean isStoreName(String name) {
    return name != null && STORE.matcher(name).matches();
  }

  /** The Helix partition name {@code <resource>_<p>} to its partition number. */
  static int partitionOf(String helixPartition) {
    return Integer.parseInt(helixPartition.substring(helixPartition.lastIndexOf('_') + 1));
  }
}
