package io.weft.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an executor fetches before a task: only what it lacks, again when re-added later, failures named. */
class FileFetcherTest {

    @Test
    void fetchesOnceAndAgainOnlyForANewerTimestamp(@TempDir Path dir) throws Exception {
        Path published = Files.writeString(dir.resolve("published.txt"), "v1");
        Path files = dir.resolve("files");
        ShippedClassLoader loader = new ShippedClassLoader(getClass().getClassLoader());
        FileFetcher fetcher = new FileFetcher(new Configuration(), files.toFile(), dir.resolve("jars").toFile(),
                loader);
        ShippedFile v1 = new ShippedFile("data.txt", published.toUri().toString(), 1_000_000L, false);
        fetcher.fetch(List.of(v1));
        assertThat(Files.readString(files.resolve("data.txt"))).isEqualTo("v1");
        assertThat(files.resolve("data.txt").toFile().lastModified()).isEqualTo(1_000_000L);

        Files.writeString(published, "v2");
        fetcher.fetch(List.of(v1)); // the same entry: nothing is copied
        assertThat(Files.readString(files.resolve("data.txt"))).isEqualTo("v1");
        fetcher.fetch(List.of(new ShippedFile("data.txt", published.toUri().toString(), 2_000_000L, false)));
        assertThat(Files.readString(files.resolve("data.txt"))).isEqualTo("v2");
        assertThat(Files.list(files)).hasSize(1); // no temporary copies left behind
    }

    @Test
    void aCopyAlreadyThereWithTheTimestampIsKept(@TempDir Path dir) throws Exception {
        Path files = Files.createDirectories(dir.resolve("files"));
        Path local = Files.writeString(files.resolve("data.txt"), "the driver's copy");
        local.toFile().setLastModified(5_000_000L);
        FileFetcher fetcher = new FileFetcher(new Configuration(), files.toFile(), dir.resolve("jars").toFile(),
                new ShippedClassLoader(getClass().getClassLoader()));
        fetcher.fetch(List.of(new ShippedFile("data.txt", dir.resolve("gone.txt").toUri().toString(), 5_000_000L,
                false)));
        assertThat(Files.readString(local)).isEqualTo("the driver's copy");
    }

    @Test
    void jarsJoinTheClassLoaderAndAMissingSourceIsNamed(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("lib.jar"), new byte[] {1});
        ShippedClassLoader loader = new ShippedClassLoader(getClass().getClassLoader());
        FileFetcher fetcher = new FileFetcher(new Configuration(), dir.resolve("files").toFile(),
                dir.resolve("jars").toFile(), loader);
        fetcher.fetch(List.of(new ShippedFile("lib.jar", jar.toUri().toString(), 1000L, true)));
        assertThat(loader.getURLs()).containsExactly(dir.resolve("jars/lib.jar").toUri().toURL());
        fetcher.fetch(List.of(new ShippedFile("lib.jar", jar.toUri().toString(), 2000L, true)));
        assertThat(loader.getURLs()).hasSize(1);
        assertThatThrownBy(() -> fetcher.fetch(List.of(new ShippedFile("x.txt",
                dir.resolve("missing.txt").toUri().toString(), 1000L, false))))
                .isInstanceOf(WeftException.class).hasMessageContaining("x.txt").hasMessageContaining("missing.txt");
    }
}
