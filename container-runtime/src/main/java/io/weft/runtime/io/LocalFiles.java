package io.weft.runtime.io;

import java.io.File;

/** Local scratch-space housekeeping. */
public final class LocalFiles {

    private LocalFiles() {
    }

    /**
     * Deletes a file or a directory tree, best effort: what cannot be deleted is left (and reported by the
     * return value).
     *
     * @param file the file or directory
     * @return whether it is gone
     */
    public static boolean deleteRecursively(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteRecursively(child);
            }
        }
        return file.delete() || !file.exists();
    }
}
