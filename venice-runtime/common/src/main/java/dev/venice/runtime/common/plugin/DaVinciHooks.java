package dev.venice.runtime.common.plugin;

import dev.venice.spi.davinci.DaVinciHook;
import dev.venice.spi.davinci.LocalCopy;
import dev.venice.spi.davinci.ResumeDecision;
import dev.venice.spi.davinci.VersionSwap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The started plugins' Da Vinci hooks. A hook that throws is counted and skipped as having no
 * opinion.
 */
public final class DaVinciHooks {
  private final Hooks<DaVinciHook> hooks;

  DaVinciHooks(Hooks<DaVinciHook> hooks) {
    this.hooks = hooks;
  }

  /**
   * The combined answer about a local copy ({@link DaVinciHook#onLocalCopyFound}): start over when
   * any hook says so (its reasons, each prefixed with the plugin id), resume when at least one
   * says resume and none objects, start over with "no plugin vouches for it" when none has an
   * opinion.
   */
  public ResumeDecision onLocalCopyFound(LocalCopy copy) {
    List<Hooks.Decision<Optional<ResumeDecision>>> answers = hooks.all("davinci.local-copy", copy,
        DaVinciHook::onLocalCopyFound, Optional.empty());
    String startOver = reasons(answers, false);
    if (!startOver.isEmpty()) {
      return ResumeDecision.startOver(startOver);
    }
    String resume = reasons(answers, true);
    return resume.isEmpty() ? ResumeDecision.startOver("no plugin vouches for it")
        : ResumeDecision.resume(resume);
  }

  /** Calls every {@link DaVinciHook#onVersionSwap}. */
  public void onVersionSwap(VersionSwap swap) {
    hooks.each("davinci.version-swap", swap, null, (hook, s, unused) -> hook.onVersionSwap(s));
  }

  private static String reasons(List<Hooks.Decision<Optional<ResumeDecision>>> answers,
      boolean resume) {
    return answers.stream()
        .filter(a -> a.value().isPresent() && a.value().get().resume() == resume)
        .map(a -> a.pluginId() + ": " + a.value().get().reason())
        .collect(Collectors.joining("; "));
  }
}
