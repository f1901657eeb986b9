package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.runtime.broadcast.BroadcastStore;
import io.weft.runtime.files.OwnerOnly;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shuffle data on the local file system is the owner's only, even under a umask that would leave everything open
 * ({@code fs.permissions.umask-mode=000}): the modes are set explicitly. The same on HDFS: {@code DataAtRestTest}.
 */
class OwnerOnlyShuffleTest {

    private static final KryoPool KRYO = new KryoPool(OwnerOnlyShuffleTest.class.getClassLoader());

    @TempDir
    File temp;

    private static FileSystem openUmaskFs() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.permissions.umask-mode", "000");
        return FileSystem.newInstance(URI.create("file:///"), conf);
    }

    private static String mode(File file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath()));
    }

    @Test
    void mapOutputsAndTheirDirectoriesAreOwnerOnly() throws IOException {
        try (FileSystem fs = openUmaskFs()) {
            File spillDir = new File(temp, "local/spill");
            Path appDir = new Path(new File(temp, "shuffle/app_1").toURI());
            ShuffleStore store = new ShuffleStore(fs, appDir, (short) 1, KRYO, spillDir, 1024);
            MapOutputWriter writer = store.newMapOutputWriter(7, 0, 1, 3);
            for (int i = 0; i < 2000; i++) {
                writer.write(i % 3, "key-" + i, "value-" + i);
            }
            assertThat(writer.spillCount()).isPositive();
            File[] spills = spillDir.listFiles();
            assertThat(spills).isNotEmpty();
            assertThat(mode(spillDir)).isEqualTo("rwx------");
            for (File spill : spills) {
                assertThat(mode(spill)).as(spill.getName()).isEqualTo("rw-------");
            }
            writer.commit();

            List<String> wrong = new ArrayList<>();
            check(fs, appDir, wrong);
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(appDir, true);
            int count = 0;
            while (files.hasNext()) {
                FileStatus file = files.next();
                count++;
                if (!file.getPermission().toString().equals("rw-------")) {
                    wrong.add(file.getPath() + " " + file.getPermission());
                }
            }
            assertThat(count).isPositive();
            assertThat(wrong).isEmpty();
        }
    }

    @Test
    void broadcastFilesAreOwnerOnly() throws IOException {
        try (FileSystem fs = openUmaskFs()) {
            Path dir = new Path(new File(temp, "app/broadcast").toURI());
            OwnerOnly.mkdirs(fs, dir);
            Path file = new Path(dir, "broadcast_0");
            BroadcastStore.write(fs, file, new byte[] {1, 2, 3});
            assertThat(fs.getFileStatus(dir).getPermission().toString()).isEqualTo("rwx------");
            assertThat(fs.getFileStatus(file).getPermission().toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void aLocalDirectoryThatExistsKeepsItsModeAndANewOneIsOwnerOnly() throws IOException {
        File shared = new File(temp, "shared");
        Files.createDirectories(shared.toPath(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        OwnerOnly.createLocalDirectory(shared);
        assertThat(mode(shared)).isEqualTo("rwxr-xr-x");
        File file = OwnerOnly.createLocalTempFile(new File(shared, "new"), "x-", ".spill");
        assertThat(mode(file.getParentFile())).isEqualTo("rwx------");
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    /** Every directory from {@code dir} down is rwx------. */
    private static void check(FileSystem fs, Path dir, List<String> wrong) throws IOException {
        FileStatus status = fs.getFileStatus(dir);
        if (!status.getPermission().toString().equals("rwx------")) {
            wrong.add(dir + " " + status.getPermission());
        }
        for (FileStatus child : fs.listStatus(dir)) {
            if (child.isDirectory()) {
                check(fs, child.getPath(), wrong);
            }
        }
    }
}
