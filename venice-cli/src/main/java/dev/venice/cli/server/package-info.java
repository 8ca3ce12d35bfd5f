/**
 * {@code venice server drain}: acts on one server process through its server plugins' HTTP
 * endpoints (here the graceful-drain plugin's), reached by admin URL; the CLI carries no server
 * plugin class.
 */
package dev.venice.cli.server;
