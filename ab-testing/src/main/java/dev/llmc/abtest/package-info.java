/**
 * Experiments, deterministic arm assignment, the event log (exposures and signals) and per-arm statistics.
 * Plain Java and JDBC: the gateway wires it to HTTP, Redis and its database.
 */
package dev.llmc.abtest;
