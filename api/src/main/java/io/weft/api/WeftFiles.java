package io.weft.api;

import io.weft.api.spi.FilesRoot;
import java.io.File;

/**
 * Finds files shipped with the job ({@code WeftSubmit --files} / {@code --archives}, {@code weft.files},
 * {@link WeftSession#addFile(String)}), as Spark's {@code SparkFiles} does, on the driver and inside tasks.
 *
 * <p>In a YARN container the root directory is the container's working directory, where the NodeManager put
 * {@code --files} and extracted {@code --archives}; an executor fetches files added with {@code addFile} there
 * too. In {@code local} and {@code local-cluster} mode it is a per-application directory of the driver or the
 * executor. Thread-safe.
 */
public final class WeftFiles {

    private WeftFiles() {
    }

    /**
     * @param name a shipped file's name (its last path segment, or the alias given after {@code #})
     * @return the absolute local path where it is in this JVM (the file need not exist: a name never shipped
     *     gives a path to nothing, as in Spark)
     * @throws IllegalStateException when no session or executor runs in this JVM
     */
    public static String get(String name) {
        return new File(getRootDirectory(), name).getAbsolutePath();
    }

    /**
     * @return the absolute local directory of shipped files in this JVM
     * @throws IllegalStateException when no session or executor runs in this JVM
     */
    public static String getRootDirectory() {
        String root = FilesRoot.get();
        if (root != null) {
            return root;
        }
        if (System.getenv("CONTAINER_ID") != null) {
            // A YARN container: the NodeManager localized the shipped files into the working directory.
            return new File(System.getProperty("user.dir")).getAbsolutePath();
        }
        throw new IllegalStateException("WeftFiles has no directory in this JVM: no Weft session or executor runs"
                + " here. Fix: call it on the driver after WeftSession.builder().getOrCreate(), or inside a task.");
    }
}
