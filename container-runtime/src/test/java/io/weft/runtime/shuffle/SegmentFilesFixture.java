package io.weft.runtime.shuffle;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the segment-file tests share: a raw local file system (whose streams can {@code hflush} as HDFS's do) seen
 * through a filter that counts opens and creates and fails writes on demand, stores over it, and map outputs of
 * known records to write and read back. A fresh one per test method (JUnit makes a new instance each time).
 */
abstract class SegmentFilesFixture {

    static final KryoPool KRYO = new KryoPool(SegmentFilesFixture.class.getClassLoader());
    static final int PARTITIONS = 4;

    @TempDir
    File temp;

    final Map<String, Integer> opens = new ConcurrentHashMap<>();
    final AtomicInteger creates = new AtomicInteger();
    final AtomicBoolean failWrites = new AtomicBoolean();
    /** Files whose streams fail every write from now on, as if their DataNode had died. */
    final java.util.Set<String> broken = ConcurrentHashMap.newKeySet();
    final AtomicLong clock = new AtomicLong();
    FileSystem raw;
    FileSystem fs;
    Path appDir;
    /** Each store writes under its own name, as executor JVMs do. */
    int stores;

    @BeforeEach
    void setUp() throws IOException {
        raw = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        fs = new FilterFileSystem(raw) {
            @Override
            public FSDataInputStream open(Path f, int bufferSize) throws IOException {
                opens.merge(f.getName(), 1, Integer::sum);
                return super.open(f, bufferSize);
            }

            @Override
            public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                    short replication, long blockSize, Progressable progress) throws IOException {
                creates.incrementAndGet();
                return failing(super.create(f, permission, overwrite, bufferSize, replication, blockSize,
                        progress), f);
            }

            @Override
            public FSDataOutputStream createNonRecursive(Path f, FsPermission permission,
                    java.util.EnumSet<org.apache.hadoop.fs.CreateFlag> flags, int bufferSize, short replication,
                    long blockSize, Progressable progress) throws IOException {
                creates.incrementAndGet();
                return failing(super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize,
                        progress), f);
            }

            private FSDataOutputStream failing(FSDataOutputStream real, Path f) throws IOException {
                return new FSDataOutputStream(new FailingStream(real, f.getName()), null) {
                    @Override
                    public boolean hasCapability(String capability) {
                        return real.hasCapability(capability);
                    }

                    @Override
                    public void hflush() throws IOException {
                        real.hflush();
                    }
                };
            }
        };
        fs.setConf(raw.getConf());
        appDir = raw.makeQualified(new Path(new File(temp, "app").toURI()));
    }

    /** Passes bytes through, or fails every write while {@link #failWrites} is set or its file is broken. */
    private final class FailingStream extends OutputStream {
        private final FSDataOutputStream out;
        private final String name;

        FailingStream(FSDataOutputStream out, String name) {
            this.out = out;
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failWrites.get() || broken.contains(name)) {
                throw new IOException("injected: the DataNode pipeline broke");
            }
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    ShuffleStore store(long rollBytes, long idleMillis) {
        return cappedStore(rollBytes, idleMillis, 0);
    }

    ShuffleStore cappedStore(long rollBytes, long idleMillis, int filesPerShuffle) {
        return new ShuffleStore(fs, appDir, (short) 1, KRYO, new File(temp, "spill"), 1 << 20,
                new ShuffleStore.Consolidation("exec1_test" + stores++, rollBytes, idleMillis, filesPerShuffle));
    }

    /** Map {@code m} writes {@code 10 + m} records to every partition. */
    static MapOutputCommit writeMap(ShuffleStore store, int m) {
        return filledWriter(store, m).commit();
    }

    /** Map {@code m}'s writer with its records written, not committed. */
    static MapOutputWriter filledWriter(ShuffleStore store, int m) {
        MapOutputWriter writer = store.newMapOutputWriter(3, m, 100L + m, PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < 10 + m; i++) {
                writer.write(p, "k" + m + "-" + i, "v" + p);
            }
        }
        return writer;
    }

    /**
     * Writes enough records that they reach the file system's stream before the commit (about 3 MB, past the
     * writer's buffer), so a write failure injected with {@link #failWrites} or {@link #broken} surfaces.
     */
    static void writePastTheStreamsBuffer(MapOutputWriter writer) {
        for (int i = 0; i < 50_000; i++) {
            writer.write(i % PARTITIONS, "key" + i, "a value long enough to pass the stream's buffer " + i);
        }
    }

    static List<Pair<Object, Object>> expected(int m, int p) {
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 10 + m; i++) {
            records.add(Pair.of("k" + m + "-" + i, "v" + p));
        }
        return records;
    }

    static List<Pair<Object, Object>> read(ShuffleStore store, List<MapOutputCommit> commits, int p) {
        List<ShuffleSegment> segments = new ArrayList<>();
        for (int m = 0; m < commits.size(); m++) {
            segments.add(commits.get(m).segment(m, p));
        }
        List<Pair<Object, Object>> records = new ArrayList<>();
        store.<Object, Object>read(3, p, segments).forEachRemaining(records::add);
        return records;
    }

    static List<Pair<Object, Object>> concat(List<Pair<Object, Object>> a, List<Pair<Object, Object>> b) {
        List<Pair<Object, Object>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
