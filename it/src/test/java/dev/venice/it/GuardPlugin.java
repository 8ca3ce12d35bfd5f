package dev.venice.it;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.AdminVerdict;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A controller plugin for the integration tests, found on the test class path: it vetoes store
 * updates asking for more partitions than {@code plugins.test-guard.max-partitions}, lets the
 * deletion of a store named {@code watched*} proceed with a warning, vetoes topic-config changes of
 * a store named {@code frozen*}, and records every mutation its after-hook sees.
 */
public final class GuardPlugin implements VenicePlugin {
  static final ConfigKey<Integer> MAX_PARTITIONS = ConfigKey.integer("max-partitions", 64, 1,
      1024, "largest partition count an update may ask for");
  /** What the after-hook saw, in order. */
  public static final Queue<Seen> SEEN = new ConcurrentLinkedQueue<>();

  /** One after-hook call. */
  public record Seen(AdminMutation mutation, AdminOutcome outcome) {}

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-guard", "1.0.0", "[1.6,2.0)", "vetoes large updates");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(MAX_PARTITIONS);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    int max = context.config().get(MAX_PARTITIONS);
    extensions.addAdminMutationHook(new AdminMutationHook() {
      @Override
      public AdminVerdict before(AdminMutation mutation) {
        if (mutation.operation() == AdminOperation.DELETE_STORE
            && mutation.store().startsWith("watched")) {
          return AdminVerdict.proceedWithWarning("store " + mutation.store() + " is watched");
        }
        if (mutation.operation() == AdminOperation.UPDATE_TOPIC_CONFIG
            && mutation.store().startsWith("frozen")) {
          return AdminVerdict.veto("the topics of store " + mutation.store() + " are frozen");
        }
        Object asked = mutation.requested().get("partitionCount");
        return asked instanceof Number n && n.intValue() > max
            ? AdminVerdict.veto("partitionCount " + n + " is above the limit of " + max)
            : AdminVerdict.PROCEED;
      }

      @Override
      public void after(AdminMutation mutation, AdminOutcome outcome) {
        SEEN.add(new Seen(mutation, outcome));
      }
    });
  }
}
