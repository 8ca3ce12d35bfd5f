/**
 * The {@code dvc-bootstrap-checkpoint} Da Vinci client plugin (seed project 21): the last durable
 * offset of each local partition in a checkpoint file, written atomically every interval and after
 * each version swap, so a restarted client resumes its bootstrap instead of starting over; see the
 * module's README.
 */
package dev.venice.plugins.dvcbootstrapcheckpoint;
