package dev.venice.runtime.common.plugin;

/** Where a plugin stands in its host. */
public enum PluginState {
  /** Found and valid, but {@code plugins.<id>.enabled} is not {@code true}. */
  DISABLED,
  /** Started; its hooks are active. */
  STARTED,
  /** Refused or broken; the message says why. The host runs without it. */
  FAILED,
  /** Stopped with its host. */
  STOPPED
}
