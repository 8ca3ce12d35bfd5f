/**
 * The {@code hedging} client decorator: after a delay, the same request to a second replica; the
 * first answer wins and the other call is cancelled, within a hedge budget. See the module's README.
 */
package dev.venice.plugins.hedging;
