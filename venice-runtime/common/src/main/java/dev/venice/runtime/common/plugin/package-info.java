/**
 * Host-side plugin loading, shared by every Venice process: discovery (class path and
 * {@code plugins/<id>/} directories, each with its own class loader), validation (descriptor, SPI
 * range, duplicate ids, configuration), start and stop, and guarded dispatch of hooks so that a
 * failing plugin never takes its host down. Entry point: {@link
 * dev.venice.runtime.common.plugin.PluginManager}.
 */
package dev.venice.runtime.common.plugin;
