/**
 * Controller hook point: {@link dev.venice.spi.controller.AdminMutationHook}, called before every
 * mutating admin operation (validate, veto, dry-run) and after it (audit, history).
 */
package dev.venice.spi.controller;
