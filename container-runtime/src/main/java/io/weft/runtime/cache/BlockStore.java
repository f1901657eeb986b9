package io.weft.runtime.cache;

import io.weft.api.StorageLevel;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.serial.RecordStreams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's cached partitions ({@code cache()} / {@code persist()}), by {@link StorageLevel}: objects in
 * memory ({@code MEMORY_ONLY}, {@code MEMORY_AND_DISK}), Kryo bytes in memory ({@code _SER}), or a Kryo file on
 * local disk ({@code DISK_ONLY}, and the {@code _AND_DISK} levels once memory is full). Memory blocks count
 * against the store's budget (objects by an estimate, bytes exactly); a partition that fits nowhere its level
 * allows is not kept and is recomputed from lineage next time. {@link #remove} frees memory and deletes disk
 * files. Thread-safe; two tasks computing the same partition at once both compute it and the first one stored
 * wins.
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
    public <T> Iterator<T> getOrCompute(Node<T> node, int partition, TaskContext context) {
        return getOrCompute(node, partition, context, kryo);
    }

    /**
     * {@link #getOrCompute(Node, int, TaskContext)} storing serialized levels with other serializers: those of
     * the task's class-loader scope. The stored block keeps them for its readers.
     *
     * @param node the node
     * @param partition the partition
     * @param context the running task
     * @param kryo serializers that can load the records' classes
     * @param <T> record type
     * @return the records
     */
    @SuppressWarnings("unchecked")
    public <T> Iterator<T> getOrCompute(Node<T> node, int partition, TaskContext context, KryoPool kryo) {
        Iterator<T> cached = getIfPresent(node, partition);
        if (cached != null) {
            return cached;
        }
        BlockId id = new BlockId(node.id(), partition);
        Iterator<T> computed = node.computeUncached(partition, context);
        StorageLevel level = node.storageLevel() == null ? StorageLevel.MEMORY_ONLY : node.storageLevel();
        if (!level.useMemory()) {
            return (Iterator<T>) toDisk(id, computed, kryo);
        }
        if (!level.deserialized()) {
            return (Iterator<T>) storeSerialized(id, level, computed, kryo);
        }
        List<T> values = new ArrayList<>();
        long estimate = 0;
        long perRecord = 0;
        while (computed.hasNext()) {
            values.add(computed.next());
            if (values.size() % SIZE_SAMPLE_EVERY == 1) {
                perRecord = estimateRecordSize(values.get(values.size() - 1), kryo);
            }
            estimate = perRecord * values.size();
            if (memoryUsed.get() + estimate > memoryBudget) {
                return (Iterator<T>) overflow(id, level, values.iterator(), computed, kryo);
            }
        }
        if (!reserve(estimate)) {
            return (Iterator<T>) overflow(id, level, values.iterator(), Iterators.toList(computed).iterator(),
                    kryo);
        }
        return (Iterator<T>) store(id, new MemoryBlock(values, estimate, kryo));
    }

    /**
     * A partition only if it is stored; never computes.
     *
     * @param node the node
     * @param partition the partition
     * @param <T> record type
     * @return the records, or {@code null} when the partition is not in this store
     */
    @SuppressWarnings("unchecked")
    public <T> Iterator<T> getIfPresent(Node<T> node, int partition) {
        Block cached = blocks.get(new BlockId(node.id(), partition));
        if (cached == null) {
            return null;
        }
        hits.incrementAndGet();
        return (Iterator<T>) cached.iterator();
    }

    /** Serialized levels: the whole partition as Kryo bytes, kept in memory if they fit, else on disk or not. */
    private Iterator<?> storeSerialized(BlockId id, StorageLevel level, Iterator<?> computed, KryoPool kryo) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordStreams.write(kryo, bytes, computed);
        byte[] data = bytes.toByteArray();
        if (reserve(data.length)) {
            return store(id, new SerializedBlock(data, kryo));
        }
        Iterator<?> records = RecordStreams.read(kryo, new ByteArrayInputStream(data));
        return overflow(id, level, records, java.util.Collections.emptyIterator(), kryo);
    }

    private boolean reserve(long bytes) {
        if (memoryUsed.addAndGet(bytes) > memoryBudget) {
            memoryUsed.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    private Iterator<?> overflow(BlockId id, StorageLevel level, Iterator<?> soFar, Iterator<?> rest,
            KryoPool kryo) {
        if (!level.useDisk()) {
            LOG.debug("Partition {} of node {} does not fit in the cache's memory; not cached", id.partition(),
                    id.nodeId());
            return Iterators.concat(List.of(soFar, rest).iterator());
        }
        return toDisk(id, Iterators.concat(List.of(soFar, rest).iterator()), kryo);
    }

    private Iterator<?> toDisk(BlockId id, Iterator<?> records, KryoPool kryo) {
        File file = null;
        try {
            file = io.weft.runtime.files.OwnerOnly.createLocalTempFile(diskDir,
                    "cache-" + id.nodeId() + "-" + id.partition() + "-", ".block");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a file for a cached partition in " + diskDir, e);
        }
        try (OutputStream out = new FileOutputStream(file)) {
            RecordStreams.write(kryo, out, records);
        } catch (IOException e) {
            file.delete();
            throw new UncheckedIOException("Could not write cached partition to " + file, e);
        }
        return store(id, new DiskBlock(file, kryo));
    }

    /** Keeps a block unless another task stored the partition first; either way returns the stored records. */
    private Iterator<?> store(BlockId id, Block block) {
        Block existing = blocks.putIfAbsent(id, block);
        if (existing != null) {
            block.free();
            return existing.iterator();
        }
        return block.iterator();
    }

    private static long estimateRecordSize(Object value, KryoPool kryo) {
        // Serialized size times two approximates the object graph's heap footprint; cheap enough every N records.
        return kryo.serialize(value).length * 2L + 16;
    }

    /**
     * Drops a node's partitions, freeing their memory and deleting their disk files.
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

    /**
     * Drops the partitions tasks stored with the given serializers: those of a class-loader scope that closed,
     * whose records nothing can read any more (and which would keep its class loader alive). Any thread.
     *
     * @param serializers the scope's serializers
     */
    public void removeStoredWith(KryoPool serializers) {
        blocks.entrySet().removeIf(e -> {
            if (e.getValue().kryo() == serializers) {
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

    /** @return how many stored partitions are serialized bytes in memory */
    public long serializedBlocks() {
        return blocks.values().stream().filter(b -> b instanceof SerializedBlock).count();
    }

    /** @return bytes of memory the stored partitions use (estimated for objects) */
    public long memoryUsed() {
        return memoryUsed.get();
    }

    private record BlockId(int nodeId, int partition) {
    }

    private interface Block {
        Iterator<?> iterator();

        /** @return the serializers of the task that stored it (its scope's) */
        KryoPool kryo();

        void free();
    }

    private final class MemoryBlock implements Block {
        private final List<?> values;
        private final long size;
        private final KryoPool kryo;

        MemoryBlock(List<?> values, long size, KryoPool kryo) {
            this.values = values;
            this.size = size;
            this.kryo = kryo;
        }

        @Override
        public KryoPool kryo() {
            return kryo;
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

    private final class SerializedBlock implements Block {
        private final byte[] data;
        private final KryoPool kryo;

        SerializedBlock(byte[] data, KryoPool kryo) {
            this.data = data;
            this.kryo = kryo;
        }

        @Override
        public KryoPool kryo() {
            return kryo;
        }

        @Override
        public Iterator<?> iterator() {
            return RecordStreams.read(kryo, new ByteArrayInputStream(data));
        }

        @Override
        public void free() {
            memoryUsed.addAndGet(-data.length);
        }
    }

    private final class DiskBlock implements Block {
        private final File file;
        private final KryoPool kryo;

        DiskBlock(File file, KryoPool kryo) {
            this.file = file;
            this.kryo = kryo;
        }

        @Override
        public KryoPool kryo() {
            return kryo;
        }

        @Override
        public Iterator<?> iterator() {
            try {
                return RecordStreams.read(kryo, new FileInputStream(file));
            } catch (IOException e) {
                throw new UncheckedIOException("Cached partition file " + file + " is gone", e);
            }
        }

        @Override
        public void free() {
            if (!file.delete() && file.exists()) {
                LOG.warn("Could not delete the cached partition file {}", file);
            }
        }
    }
}
