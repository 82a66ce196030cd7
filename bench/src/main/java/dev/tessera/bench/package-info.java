/**
 * JMH benchmarks: each native op (dev.tessera.ops.Ops) beside its LibTorch composite reference
 * (OpsReference), as paired methods in one class. May import dev.tessera.ops, LibTorch and JMH.
 */
package dev.tessera.bench;
