package dev.venice.spi.plugin;

import java.time.Duration;

/**
 * Work a plugin wants done periodically (report, sweep, repair). The host runs it on the plugin's
 * own scheduler thread with fixed delay between runs; a run that throws is logged and counted and
 * the next run still happens.
 */
public interface BackgroundTask {
  /** A short name, used in logs and metrics. */
  String name();

  /** The delay between the end of one run and the start of the next. */
  Duration interval();

  /** One run. */
  void run() throws Exception;
}
