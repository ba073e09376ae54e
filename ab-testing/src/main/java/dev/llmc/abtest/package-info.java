/**
 * Experiments, deterministic arm assignment and the event log (exposures and signals). The module is an
 * empty placeholder in the foundation: the A/B testing issue fills it; the gateway already depends on it so
 * the dependency direction of DESIGN.md holds from the start.
 */
package dev.llmc.abtest;
