package io.weft.it.apps;

import io.weft.api.WeftSession;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A driver whose only task outgrows its container on every attempt (native memory beyond the container's size):
 * YARN kills each executor that runs it, and the job fails with YARN's reason.
 */
public final class MemoryHogApp {

    private MemoryHogApp() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        try (WeftSession weft = WeftSession.builder().getOrCreate()) {
            weft.parallelize(List.of(1, 2, 3), 1).map(x -> {
                touchOffHeap(1L << 30);
                LockSupport.parkNanos(60_000_000_000L);
                return x;
            }).count();
        }
    }

    /**
     * Allocates and writes native memory that is never freed (the process is about to be killed), beyond
     * {@code -XX:MaxDirectMemorySize}, as a leaking native library or an unbounded buffer pool would.
     *
     * @param bytes how much
     */
    public static void touchOffHeap(long bytes) {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            sun.misc.Unsafe unsafe = (sun.misc.Unsafe) f.get(null);
            long address = unsafe.allocateMemory(bytes);
            unsafe.setMemory(address, bytes, (byte) 1);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
