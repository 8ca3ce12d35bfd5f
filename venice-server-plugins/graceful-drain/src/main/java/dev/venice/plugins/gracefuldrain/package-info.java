/**
 * The {@code graceful-drain} plugin for servers and routers: it counts the read calls in flight
 * and, when the process drains before it stops (SIGTERM, {@code POST
 * /plugins/graceful-drain/drain} or {@code venice server drain}), holds the stop until no call is
 * in flight and none has started for a quiet period, or until the drain deadline, after which new
 * calls are refused so that clients fail over. See the module's README.
 */
package dev.venice.plugins.gracefuldrain;
