/**
 * What a plugin's tests need (test scope): {@link dev.venice.testkit.TestingPluginContext} (a
 * host's plugin context with a manual clock, an in-memory registry, a real scheduler and fake host
 * services whose store metadata the test sets; on a controller a {@link
 * dev.venice.testkit.TestingControllerHost}), {@link dev.venice.testkit.Await} (deadline waits),
 * {@link dev.venice.testkit.RecordingStoreClient} (the store client a decorator under test wraps:
 * it records every call and answers when and how the test says) and {@link
 * dev.venice.testkit.PluginContractTest}, the checks every plugin's {@code <X>PluginTest}
 * inherits. Depends on the SPI and JUnit only.
 */
package dev.venice.testkit;
