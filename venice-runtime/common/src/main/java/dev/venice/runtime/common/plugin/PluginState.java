package dev.venice.runtime.common.plugin;

/** Where a plugin stands in its host. */
public enum PluginState {
  /** Found and valid, but {@code plugins.<id>.enabled} is not {@code true}. */
  DISABLED,
  /** Found and valid, but meant for other kinds of process; never started here, not an error. */
  NOT_APPLICABLE,
  /** Started; its hooks are active. */
  STARTED,
  /** Refused or broken; the message and {@link PluginInfo#reason()} say why. The host runs without it. */
  FAILED,
  /** Stopped with its host. */
  STOPPED
}
