/** The Java client of the controller's admin API, used by the CLI, the push job and tests. */
package dev.venice.runtime.common.controller;
