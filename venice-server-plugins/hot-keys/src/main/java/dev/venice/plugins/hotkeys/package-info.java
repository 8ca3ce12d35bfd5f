/**
 * The {@code hot-keys} server plugin: a Space-Saving top-K of the keys read, per store-version
 * partition replica, fed by a read hook and served at {@code /plugins/hot-keys/top}. See the
 * module's README.
 */
package dev.venice.plugins.hotkeys;
