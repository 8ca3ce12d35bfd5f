/** Process configuration: properties files validated against declared keys. */
package dev.venice.runtime.common.config;
