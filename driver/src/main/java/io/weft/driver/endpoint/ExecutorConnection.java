package io.weft.driver.endpoint;

import io.netty.channel.Channel;
import io.weft.runtime.channel.Messages;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's record of one registered executor's connection: the attempts it may report on, the stage binaries
 * it holds, and its heartbeat and registration times. Written by the connection's event loop and read by the
 * endpoint's callers; the fields that cross threads are volatile or concurrent, {@link #markSent} is synchronized.
 */
final class ExecutorConnection {
    final Channel channel;
    /** Attempts launched here and not yet reported: the only ones this executor may report on. */
    final Set<Long> launched = ConcurrentHashMap.newKeySet();
    /** Mirrors the executor's binary cache: same capacity, same first-in eviction, same message order. */
    private final Map<Long, Boolean> binariesSent = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > Messages.BINARY_CACHE;
        }
    };
    volatile long lastHeartbeat;
    volatile long pid;
    volatile long jvmStartMillis;
    volatile long registeredMillis;
    /** The connection dropped; the executor's exit reason is awaited. */
    volatile boolean disconnected;

    /** @return true if the binary was not held by the executor, and is now recorded as sent */
    synchronized boolean markSent(long binaryId) {
        if (binariesSent.containsKey(binaryId)) {
            return false;
        }
        binariesSent.put(binaryId, Boolean.TRUE);
        return true;
    }

    ExecutorConnection(Channel channel, long now) {
        this.channel = channel;
        this.lastHeartbeat = now;
    }
}
