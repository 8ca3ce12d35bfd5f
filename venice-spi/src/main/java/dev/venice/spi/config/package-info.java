/**
 * Typed plugin configuration. A plugin declares its keys ({@link dev.venice.spi.config.ConfigKey})
 * with a type, a default and the allowed values; the host reads {@code plugins.<id>.<key>} from the
 * process configuration, refuses unknown keys and bad values with a {@link
 * dev.venice.spi.config.ConfigException} naming the key, and hands the plugin a validated {@link
 * dev.venice.spi.config.PluginConfig}.
 */
package dev.venice.spi.config;
