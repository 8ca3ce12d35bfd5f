/**
 * The {@code long-tail-retry} client decorator: Venice's fast-client long-tail retry. A partition
 * request that has no answer after a threshold (by kind and key count) is sent once more to the
 * next candidate replica, within the store's extra-load budget; the first answer wins and the other
 * call is cancelled. See the module's README.
 */
package dev.venice.plugins.longtailretry;
