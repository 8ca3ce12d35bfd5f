/**
 * The plugin contract. A plugin jar lists one {@link dev.venice.spi.plugin.VenicePlugin} in
 * {@code META-INF/services/dev.venice.spi.plugin.VenicePlugin}; the host loads it, checks its
 * {@link dev.venice.spi.plugin.PluginDescriptor}, validates {@code plugins.<id>.*} against its
 * declared keys and, when {@code plugins.<id>.enabled=true}, starts it with a {@link
 * dev.venice.spi.plugin.PluginContext}. In {@code start} the plugin adds its hooks, decorators,
 * background tasks and endpoints to the {@link dev.venice.spi.plugin.Extensions} it is given.
 */
package dev.venice.spi.plugin;
