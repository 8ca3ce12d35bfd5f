package dev.venice.runtime.common.plugin;

import dev.venice.spi.plugin.LifecycleHook;
import dev.venice.spi.plugin.Readiness;
import java.util.stream.Collectors;

/**
 * The started plugins' lifecycle hooks. A hook that throws is counted and skipped; a readiness vote
 * that throws counts as "ready", so a broken plugin cannot hold a process out of service.
 */
public final class LifecycleHooks {
  private final Hooks<LifecycleHook> hooks;

  LifecycleHooks(Hooks<LifecycleHook> hooks) {
    this.hooks = hooks;
  }

  /** Calls every {@link LifecycleHook#onStart()}. */
  public void onStart() {
    hooks.each("lifecycle.start", null, null, (hook, a, b) -> hook.onStart());
  }

  /** Calls every {@link LifecycleHook#onReady()}. */
  public void onReady() {
    hooks.each("lifecycle.ready", null, null, (hook, a, b) -> hook.onReady());
  }

  /** Calls every {@link LifecycleHook#onDrain()}. */
  public void onDrain() {
    hooks.each("lifecycle.drain", null, null, (hook, a, b) -> hook.onDrain());
  }

  /** Calls every {@link LifecycleHook#onStop()}. */
  public void onStop() {
    hooks.each("lifecycle.stop", null, null, (hook, a, b) -> hook.onStop());
  }

  /** The combined vote: ready only if every plugin votes ready; reasons name the plugins. */
  public Readiness readiness() {
    String reasons = hooks.all("lifecycle.readiness", null, (hook, unused) -> hook.readiness(),
            Readiness.READY).stream()
        .filter(d -> !d.value().ready())
        .map(d -> d.pluginId() + ": " + d.value().reason())
        .collect(Collectors.joining("; "));
    return reasons.isEmpty() ? Readiness.READY : Readiness.notReady(reasons);
  }
}
