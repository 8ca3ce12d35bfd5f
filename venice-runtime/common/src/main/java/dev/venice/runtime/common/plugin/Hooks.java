package dev.venice.runtime.common.plugin;

import dev.venice.runtime.common.plugin.PluginGuard.BiCall;
import dev.venice.runtime.common.plugin.PluginGuard.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The started plugins' hooks of one kind, in plugin order, each behind its plugin's guard. The
 * typed facades ({@link ReadHooks}, {@link IngestionHooks}, {@link AdminMutationHooks}, {@link
 * LifecycleHooks}) name the hooks and their fallbacks; hosts check {@link #isEmpty()} to skip all
 * of it when no plugin is on.
 *
 * @param <H> the hook type
 */
final class Hooks<H> {
  record Guarded<H>(PluginGuard guard, H hook) {}

  private final Guarded<H>[] entries;

  @SuppressWarnings("unchecked")
  Hooks(List<Guarded<H>> entries) {
    this.entries = entries.toArray(new Guarded[0]);
  }

  boolean isEmpty() {
    return entries.length == 0;
  }

  /**
   * Calls each hook until one returns a decisive result, which {@code annotate} may rewrite with the
   * deciding plugin's id (e.g. to prefix a veto reason). A hook that throws counts as {@code
   * fallback}.
   */
  <A, R> R first(String hookName, A arg, Call<H, A, R> fn, R fallback, Predicate<R> decisive,
      BiFunction<String, R, R> annotate) {
    for (Guarded<H> entry : entries) {
      R result = entry.guard().apply(hookName, entry.hook(), arg, fn, fallback);
      if (decisive.test(result)) {
        return annotate.apply(entry.guard().pluginId(), result);
      }
    }
    return fallback;
  }

  /** Calls every hook, containing what each throws. */
  <A, B> void each(String hookName, A a, B b, BiCall<H, A, B> fn) {
    for (Guarded<H> entry : entries) {
      entry.guard().run(hookName, entry.hook(), a, b, fn);
    }
  }

  /** Calls every hook and collects the results, {@code fallback} for a hook that throws. */
  <A, R> List<Decision<R>> all(String hookName, A arg, Call<H, A, R> fn, R fallback) {
    ArrayList<Decision<R>> results = new ArrayList<>(entries.length);
    for (Guarded<H> entry : entries) {
      results.add(new Decision<>(entry.guard().pluginId(),
          entry.guard().apply(hookName, entry.hook(), arg, fn, fallback)));
    }
    return results;
  }

  /** One plugin's answer. */
  record Decision<R>(String pluginId, R value) {}
}
