package dev.tessera.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.bytedeco.javacpp.Pointer;

/** How the memory tests read the process's memory: used heap after GC, and physical memory outside the heap. */
final class MemoryProbe {
    private MemoryProbe() {}

    /**
     * Allocates and drops small arrays adding up to twice the committed heap, so that every heap page
     * is resident before the baseline: otherwise the first touch of fresh young-generation pages
     * during the run (measured: about 11 MB) reads as growth of physical memory.
     */
    static void touchTheHeap() {
        long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        // 64 KB each: well under half a G1 region, so they are allocated in the young generation, not as humongous objects.
        for (long n = 0; n < 2 * committed; n += 1 << 16) garbage = new byte[1 << 16];
        garbage = null;
    }

    /** Where {@link #touchTheHeap} puts its arrays, so the JIT cannot drop the allocations. */
    private static volatile byte[] garbage;

    /**
     * The process's physical memory outside the Java heap: {@link Pointer#physicalBytes()} less the
     * committed heap, whose size G1 changes at will (a full GC shrinks it, the run grows it back:
     * measured swings of 30 MB), after malloc_trim so that only live native memory counts.
     */
    static long nativeBytes() {
        Pointer.trimMemory();
        return Pointer.physicalBytes() - ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    /** Used heap once full collections stop freeing anything (finalisable and soft objects take more than one). */
    static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(50);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) break;
            used = now;
        }
        return used;
    }
}
