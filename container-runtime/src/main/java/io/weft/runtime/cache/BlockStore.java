package io.weft.runtime.cache;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.weft.api.StorageLevel;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's cached partitions ({@code cache()} / {@code persist()}). A partition is kept in memory while the
 * store's memory budget allows; past it, a {@link StorageLevel#MEMORY_AND_DISK} partition is written to local
 * disk and a {@link StorageLevel#MEMORY_ONLY} one is not kept (it is recomputed from lineage next time).
 * Thread-safe; two tasks computing the same partition at once both compute it and the first one stored wins.
 */
public final class BlockStore {

    private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);
    private static final int SIZE_SAMPLE_EVERY = 256;

    private final KryoPool kryo;
    private final File diskDir;
    private final long memoryBudget;
    private final AtomicLong memoryUsed = new AtomicLong();
    private final Map<BlockId, Block> blocks = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();

    /**
     * @param kryo serializers
     * @param diskDir where disk blocks go
     * @param memoryBudget bytes of (estimated) memory for cached partitions
     */
    public BlockStore(KryoPool kryo, File diskDir, long memoryBudget) {
        this.kryo = kryo;
        this.diskDir = diskDir;
        this.memoryBudget = memoryBudget;
    }

    /**
     * A persisted node's partition: from the store, or computed, stored and returned.
     *
     * @param node the node
     * @param partition the partition
     * @param context the running task
     * @param <T> record type
     * @return the records
     */
    @SuppressWarnings("unchecked")
    public <T> Iterator<T> getOrCompute(Node<T> node, int partition, TaskContext context) {
        BlockId id = new BlockId(node.id(), partition);
        Block cached = blocks.get(id);
        if (cached != null) {
            hits.incrementAndGet();
            return (Iterator<T>) cached.iterator();
        }
        Iterator<T> computed = node.computeUncached(partition, context);
        StorageLevel level = node.storageLevel() == null ? StorageLevel.MEMORY_ONLY : node.storageLevel();
        List<T> values = new ArrayList<>();
        long estimate = 0;
        long perRecord = 0;
        while (computed.hasNext()) {
            values.add(computed.next());
            if (values.size() % SIZE_SAMPLE_EVERY == 1) {
                perRecord = estimateRecordSize(values.get(values.size() - 1));
            }
            estimate = perRecord * values.size();
            if (memoryUsed.get() + estimate > memoryBudget) {
                return (Iterator<T>) overflow(id, level, values, computed);
            }
        }
        if (memoryUsed.addAndGet(estimate) > memoryBudget) {
            memoryUsed.addAndGet(-estimate);
            return (Iterator<T>) overflow(id, level, values, Iterators.toList(computed).iterator());
        }
        if (blocks.putIfAbsent(id, new MemoryBlock(values, estimate)) != null) {
            memoryUsed.addAndGet(-estimate);
        }
        return values.iterator();
    }

    private Iterator<?> overflow(BlockId id, StorageLevel level, List<?> soFar, Iterator<?> rest) {
        if (level == StorageLevel.MEMORY_ONLY) {
            LOG.debug("Partition {} of node {} does not fit in the cache's memory; not cached", id.partition(),
                    id.nodeId());
            return Iterators.concat(List.of(soFar.iterator(), rest).iterator());
        }
        File file = new File(diskDir, "cache-" + id.nodeId() + "-" + id.partition() + "-" + System.nanoTime());
        Kryo k = kryo.borrow();
        try (Output out = new Output(new FileOutputStream(file), 64 * 1024)) {
            for (Object value : soFar) {
                out.writeBoolean(true);
                k.writeClassAndObject(out, value);
            }
            while (rest.hasNext()) {
                out.writeBoolean(true);
                k.writeClassAndObject(out, rest.next());
            }
            out.writeBoolean(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write cached partition to " + file, e);
        } finally {
            kryo.release(k);
        }
        DiskBlock block = new DiskBlock(file);
        Block existing = blocks.putIfAbsent(id, block);
        if (existing != null) {
            file.delete();
            return existing.iterator();
        }
        return block.iterator();
    }

    private long estimateRecordSize(Object value) {
        // Serialized size times two approximates the object graph's heap footprint; cheap enough every N records.
        return kryo.serialize(value).length * 2L + 16;
    }

    /**
     * Drops a node's partitions.
     *
     * @param nodeId the node
     */
    public void remove(int nodeId) {
        blocks.entrySet().removeIf(e -> {
            if (e.getKey().nodeId() == nodeId) {
                e.getValue().free();
                return true;
            }
            return false;
        });
    }

    /** Drops everything. */
    public void clear() {
        blocks.values().forEach(Block::free);
        blocks.clear();
    }

    /** @return how many reads were served from the store */
    public long hits() {
        return hits.get();
    }

    /** @return how many partitions are stored */
    public int size() {
        return blocks.size();
    }

    /** @return how many stored partitions are on disk */
    public long diskBlocks() {
        return blocks.values().stream().filter(b -> b instanceof DiskBlock).count();
    }

    private record BlockId(int nodeId, int partition) {
    }

    private interface Block {
        Iterator<?> iterator();

        void free();
    }

    private final class MemoryBlock implements Block {
        private final List<?> values;
        private final long size;

        MemoryBlock(List<?> values, long size) {
            this.values = values;
            this.size = size;
        }

        @Override
        public Iterator<?> iterator() {
            return values.iterator();
        }

        @Override
        public void free() {
            memoryUsed.addAndGet(-size);
        }
    }

    private final class DiskBlock implements Block {
        private final File file;

        DiskBlock(File file) {
            this.file = file;
        }

        @Override
        public Iterator<?> iterator() {
            Kryo k = kryo.borrow();
            Input in;
            try {
                in = new Input(new FileInputStream(file), 64 * 1024);
            } catch (IOException e) {
                kryo.release(k);
                throw new UncheckedIOException("Cached partition file " + file + " is gone", e);
            }
            return new Iterator<>() {
                private boolean done;
                private Boolean ready;

                @Override
                public boolean hasNext() {
                    if (done) {
                        return false;
                    }
                    if (ready == null) {
                        ready = in.readBoolean();
                        if (!ready) {
                            done = true;
                            in.close();
                            kryo.release(k);
                        }
                    }
                    return ready;
                }

                @Override
                public Object next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    ready = null;
                    return k.readClassAndObject(in);
                }
            };
        }

        @Override
        public void free() {
            file.delete();
        }
    }
}
