package dev.venice.runtime.common.plugin;

import dev.venice.spi.plugin.StoreScope;
import dev.venice.runtime.common.plugin.PluginGuard.BiCall;
import dev.venice.runtime.common.plugin.PluginGuard.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The started plugins' hooks of one kind, in plugin order, each behind its plugin's guard. The
 * typed facades ({@link ReadHooks}, {@link IngestionHooks}, {@link AdminMutationHooks}, {@link
 * LifecycleHooks}) name the hooks and their fallbacks; hosts check {@link #isEmpty()} to skip all
 * of it when no plugin is on, and call the facade's {@code forStore} to leave out the plugins that
 * are switched off for the store at hand.
 *
 * @param <H> the hook type
 */
final class Hooks<H> {
  /** A hook behind its plugin's guard; {@code stores} says for which stores it is on. */
  record Guarded<H>(PluginGuard guard, H hook, StoreScope stores) {}

  /** A store's hooks (as a facade) and the store-state generation they were chosen at. */
  private record Scoped(int generation, Object facade) {}

  private final Guarded<H>[] entries;
  private final AtomicInteger generation;
  private final Map<String, Scoped> byStore = new ConcurrentHashMap<>();

  /**
   * @param generation the host's store-state generation (see {@link StoreScope#generation()})
   */
  @SuppressWarnings("unchecked")
  Hooks(List<Guarded<H>> entries, AtomicInteger generation) {
    this.entries = entries.toArray(new Guarded[0]);
    this.generation = generation;
  }

  /**
   * The facade over the hooks that are on for {@code store}: {@code whole} when all are, else
   * {@code facade} applied to the subset. Cached per store until a store's state changes, so the
   * cost per call is one map lookup and one volatile read.
   */
  @SuppressWarnings("unchecked")
  <F> F forStore(String store, F whole, Function<Hooks<H>, F> facade) {
    if (entries.length == 0 || store == null) {
      return whole;
    }
    int current = generation.get();
    Scoped scoped = byStore.get(store);
    if (scoped != null && scoped.generation() == current) {
      return (F) scoped.facade();
    }
    List<Guarded<H>> on = new ArrayList<>(entries.length);
    for (Guarded<H> entry : entries) {
      if (entry.stores().enabledFor(store)) {
        on.add(entry);
      }
    }
    F chosen = on.size() == entries.length ? whole : facade.apply(new Hooks<>(on, generation));
    byStore.put(store, new Scoped(current, chosen));
    return chosen;
  }

  boolean isEmpty() {
    return entries.length == 0;
  }

  /**
   * The guarded hooks themselves, in plugin order, for a facade's hand-written loop on a hot path
   * (the read path); callers must not modify the array.
   */
  Guarded<H>[] entries() {
    return entries;
  }

  /**
   * Calls each hook until one returns a decisive result, which {@code annotate} may rewrite with the
   * deciding plugin's id (e.g. to prefix a veto reason). A hook that throws counts as {@code
   * fallback}.
   */
  <A, R> R first(String hookName, A arg, Call<H, A, R> fn, R fallback, Predicate<R> decisive,
      BiFunction<String, R, R> annotate) {
    for (Guarded<H> entry : entries) {
      if (entry.guard().isStopping()) {
        continue;
      }
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
      if (!entry.guard().isStopping()) {
        entry.guard().run(hookName, entry.hook(), a, b, fn);
      }
    }
  }

  /** Calls every hook and collects the results, {@code fallback} for a hook that throws. */
  <A, R> List<Decision<R>> all(String hookName, A arg, Call<H, A, R> fn, R fallback) {
    ArrayList<Decision<R>> results = new ArrayList<>(entries.length);
    for (Guarded<H> entry : entries) {
      if (entry.guard().isStopping()) {
        continue;
      }
      results.add(new Decision<>(entry.guard().pluginId(),
          entry.guard().apply(hookName, entry.hook(), arg, fn, fallback)));
    }
    return results;
  }

  /** One plugin's answer. */
  record Decision<R>(String pluginId, R value) {}
}
