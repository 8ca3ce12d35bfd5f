/**
 * Controller hook point: {@link dev.venice.spi.controller.AdminMutationHook}, called before every
 * mutating admin operation (validate, veto, dry-run) and after it (audit, history); and, since
 * 1.6.0, {@link dev.venice.spi.controller.ControllerHost}: leadership changes and a plugin's own
 * state in ZooKeeper ({@link dev.venice.spi.controller.PluginStateStore}); since 1.7.0, the
 * store versions and {@link dev.venice.spi.controller.AdminActions}: changes a plugin makes in its
 * own name (a rebalance, a topic-config fix) through the admin-mutation path.
 */
package dev.venice.spi.controller;
