package io.weft.api.spi;

/**
 * Where {@link io.weft.api.WeftFiles} finds shipped files in this JVM: set by the engine on the driver and by
 * the executor in an executor JVM, before any task runs. Engine-facing. Thread-safe (a volatile field).
 */
public final class FilesRoot {

    private static volatile String root;

    private FilesRoot() {
    }

    /** @param directory the absolute local directory of shipped files in this JVM */
    public static void set(String directory) {
        root = directory;
    }

    /** @return the directory, or {@code null} when no engine or executor has set one */
    public static String get() {
        return root;
    }
}
