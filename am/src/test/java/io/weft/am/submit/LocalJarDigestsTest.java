package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.planner.Digests;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local jars' digests, remembered by file identity in an owner-only memo: real files, a counting hasher. */
class LocalJarDigestsTest {

    @TempDir
    Path home;

    private final List<Path> hashed = new ArrayList<>();

    private LocalJarDigests.Hasher counting() {
        return jar -> {
            hashed.add(jar);
            return Digests.sha256Hex(Files.readAllBytes(jar));
        };
    }

    private Path memo() {
        return home.resolve(".weft/jar-digests");
    }

    private Path jar(String name, String content) throws IOException {
        return Files.writeString(home.resolve(name), content);
    }

    private String digestWithAFreshLoad(Path jar) throws IOException {
        LocalJarDigests digests = LocalJarDigests.load(memo(), counting());
        String digest = digests.digest(jar.toFile());
        digests.save();
        return digest;
    }

    @Test
    void anUnchangedJarIsHashedOnceAndRememberedInAnOwnerOnlyMemo() throws IOException {
        Path jar = jar("a.jar", "the classes");
        String expected = Digests.sha256Hex("the classes".getBytes(StandardCharsets.UTF_8));
        assertThat(digestWithAFreshLoad(jar)).isEqualTo(expected);
        assertThat(digestWithAFreshLoad(jar)).isEqualTo(expected);
        assertThat(hashed).hasSize(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(memo()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(memo().getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void aJarWrittenAgainIsHashedAgainEvenWithItsSizeAndModificationTimeSetBack() throws IOException {
        Path jar = jar("a.jar", "the classes");
        digestWithAFreshLoad(jar);
        FileTime modified = Files.getLastModifiedTime(jar);
        Object changed = Files.getAttribute(jar, "unix:ctime");
        // The kernel stamps change times from a coarse clock: write until the stamp has moved (as any later write
        // would have it), then put the modification time back.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        do {
            Files.writeString(jar, "THE CLASSES");
        } while (Files.getAttribute(jar, "unix:ctime").equals(changed) && System.nanoTime() < deadline);
        Files.setLastModifiedTime(jar, modified);
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(modified);
        assertThat(Files.size(jar)).isEqualTo("the classes".length());
        assertThat(digestWithAFreshLoad(jar))
                .isEqualTo(Digests.sha256Hex("THE CLASSES".getBytes(StandardCharsets.UTF_8)));
        assertThat(hashed).hasSize(2);
    }

    @Test
    void aReplacedJarIsHashedAgain() throws IOException {
        Path jar = jar("a.jar", "one");
        digestWithAFreshLoad(jar);
        Path other = jar("b.jar", "two");
        Files.move(other, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(digestWithAFreshLoad(jar)).isEqualTo(Digests.sha256Hex("two".getBytes(StandardCharsets.UTF_8)));
        assertThat(hashed).hasSize(2);
    }

    @Test
    void aMemoOthersCouldWriteIsNotTrustedButRewritten() throws IOException {
        Path jar = jar("a.jar", "the classes");
        digestWithAFreshLoad(jar);
        Files.setPosixFilePermissions(memo(), PosixFilePermissions.fromString("rw-rw-rw-"));
        digestWithAFreshLoad(jar);
        assertThat(hashed).hasSize(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(memo()))).isEqualTo("rw-------");
        digestWithAFreshLoad(jar);
        assertThat(hashed).hasSize(2);
    }

    @Test
    void aMemoInADirectoryOthersCanWriteIsNeitherReadNorWritten() throws IOException {
        Path jar = jar("a.jar", "the classes");
        digestWithAFreshLoad(jar);
        Files.setPosixFilePermissions(memo().getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        String before = Files.readString(memo());
        digestWithAFreshLoad(jar(("b.jar"), "more"));
        digestWithAFreshLoad(jar);
        assertThat(hashed).hasSize(3);
        assertThat(Files.readString(memo())).isEqualTo(before);
    }

    @Test
    void withoutAMemoEveryJarIsHashed() throws IOException {
        File jar = jar("a.jar", "the classes").toFile();
        LocalJarDigests none = LocalJarDigests.none();
        assertThat(none.digest(jar)).isEqualTo(none.digest(jar));
        assertThat(none.reused()).isZero();
        none.save();
        assertThat(memo()).doesNotExist();
    }
}
